/** Where the built-in sandbox answers, below the portal's own address. */
export const SANDBOX_PATH = '/_sandbox/xbezahldienste/';
