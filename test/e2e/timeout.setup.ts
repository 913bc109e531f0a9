// Jest takes `testTimeout` only from the top of its configuration, not per project: end-to-end
// tests start a portal with its own database, which takes longer than Jest's default of 5 s.
jest.setTimeout(60_000);
