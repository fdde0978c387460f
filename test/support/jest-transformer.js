// Nest 12 ships ESM only; Jest on Node 20 needs CommonJS. ts-jest down-levels those files,
// and `import.meta` (not valid in CommonJS) is rewritten to the file's own location first.
const { TsJestTransformer } = require('ts-jest');
const { pathToFileURL } = require('node:url');

class EsmToCjsTransformer extends TsJestTransformer {
  process(source, filePath, options) {
    return super.process(rewrite(source, filePath), filePath, options);
  }
  async processAsync(source, filePath, options) {
    return super.processAsync(rewrite(source, filePath), filePath, options);
  }
  getCacheKey(source, filePath, options) {
    return super.getCacheKey(rewrite(source, filePath), filePath, options);
  }
}

function rewrite(source, filePath) {
  if (!filePath.includes('node_modules') || !source.includes('import.meta')) return source;
  const url = JSON.stringify(pathToFileURL(filePath).href);
  return source
    // CommonJS already has `require`; redeclaring it is a syntax error there.
    .replace(/^\s*const require = createRequire\(import\.meta\.url\);?\s*$/m, '')
    .replace(/import\.meta\.url/g, url)
    .replace(/import\.meta\.dirname/g, JSON.stringify(require('node:path').dirname(filePath)))
    .replace(/import\.meta\.filename/g, JSON.stringify(filePath));
}

module.exports = { createTransformer: (config) => new EsmToCjsTransformer(config) };
