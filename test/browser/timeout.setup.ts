// Jest takes `testTimeout` only from the top of its configuration, not per project: browser tests
// start a portal and Chromium.
jest.setTimeout(120_000);
