//! Support for the black-box suite: test databases, the `atp` server as a
//! child process on a random port, and an HTTP client.
