// A whole integration test (a client booting against server-mock, live updates by polling or
// WebSocket) is bounded by this; every wait inside it has its own, shorter deadline.
jest.setTimeout(90_000);
