import { ArgumentSyntaxError, splitArguments } from './split-arguments';

describe('splitArguments', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['   \t\n ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['  leading and trailing  ', ['leading', 'and', 'trailing']],
    ['"a b" c', ['a b', 'c']],
    ['a"b c"d', ['ab cd']],
    ['""', ['']],
    ['a "" b', ['a', '', 'b']],
    ['"" ""', ['', '']],
    ['say \\"hi\\"', ['say', '"hi"']],
    ['"quote \\" inside"', ['quote " inside']],
    ['back\\\\slash', ['back\\slash']],
    ['"C:\\Program Files\\JIM\\run.exe" -v', ['C:\\Program Files\\JIM\\run.exe', '-v']],
    ['C:\\Temp\\x', ['C:\\Temp\\x']],
    ["it's 'single quoted'", ["it's", "'single", "quoted'"]],
    ['trailing\\', ['trailing\\']],
    ['-Name "Full Import" -Verbose', ['-Name', 'Full Import', '-Verbose']],
    ['--flag="with space"', ['--flag=with space']],
  ])('splits %j', (input, expected) => {
    expect(splitArguments(input)).toEqual(expected);
  });

  it('rejects an unterminated double quote, naming where it starts', () => {
    expect(() => splitArguments('a "b c')).toThrow(ArgumentSyntaxError);
    expect(() => splitArguments('a "b c')).toThrow('Unterminated double quote starting at position 3');
  });

  it('does not treat an escaped quote as a closing one', () => {
    expect(() => splitArguments('"abc\\"')).toThrow(ArgumentSyntaxError);
  });
});
