/** Where the document and the interactive reference are served; both are public. */
export const OPENAPI_JSON_PATH = '/api/openapi/v1.json';
export const REFERENCE_PATH = '/api/reference';

/** The security scheme every protected operation names. */
export const API_KEY_SCHEME = 'X-API-Key';

export const REFERENCE_TAG = 'API reference';
