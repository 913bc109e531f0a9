/** The largest file a citizen may upload; a definition may allow less per field. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
