#pragma once
// How `swapi serve` holds its connections: a cpp-httplib Server whose connections wait in one
// poller thread and reach a worker only once a whole request has arrived.
//
// Why: cpp-httplib 0.11.4 gives every accepted connection a pool worker for the connection's
// whole life, blocking in recv for the next byte. A bounded pool then cannot hold 1000 idle
// keep-alive connections, and 200 clients that send half a request line take 200 workers
// until their read timeout (a valid request waited 14 s); a pool large enough for them costs
// a thread stack and a malloc arena each and still has a ceiling an attacker can reach. So:
//  - The accept loop stays cpp-httplib's (listen_after_bind, stop, is_running keep their
//    contract); its queue hands each socket to the front at once (process_and_close_socket
//    is overridden), and the listen backlog is raised from its hard-coded 5.
//  - One poller thread (epoll) owns every connection that is between requests or still
//    sending one: idle keep-alive, half a request line, a TLS handshake. It buffers what
//    arrives; an idle connection costs a socket and a few hundred bytes, not a thread.
//  - A connection goes to the worker pool (worker_pool.h) when its head is complete and, for
//    a declared body up to `prebuffer_bytes` that has begun to arrive, the body too; there
//    cpp-httplib parses and routes it over ConnectionStream (connection.h). A worker is
//    therefore busy computing or writing an answer, or reading a body that was not on its
//    way with the head (a client may wait for a 401 or a 100 Continue before sending it, so
//    that one is read by the worker: bounded by the deadline, and with auth on only a
//    client holding a valid write token gets that far), never waiting for a request.
//  - Deadlines: a request (first byte to last byte of its body) must arrive within
//    `request_timeout`, however it trickles: one that does not gets 408 and the connection
//    closes. An idle keep-alive connection is closed after `idle_timeout`. Each write may
//    wait `write_timeout` for room.
//  - After an answer the worker waits up to `worker_linger` for the next request on the same
//    connection (a keep-alive client sends it within a round trip), but only while no other
//    request waits for a worker; otherwise the connection goes back to the poller. This keeps
//    the hot path free of thread hand-offs without letting an idle client hold a worker.
//  - A refused request whose body is unread is closed lingering (RFC 9112 §9.6): answer,
//    half-close, read and drop what the client still sends (bounded), then close. The poller
//    does the draining, not a worker.
#include <httplib.h>
#include <openssl/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace swapi::server {

struct FrontLimits {
  std::size_t max_threads = 16;
  std::size_t max_connections = 10000;
  std::size_t keep_alive_max_requests = 1000;
  std::size_t max_head_bytes = 64 * 1024;
  std::size_t prebuffer_bytes = 64 * 1024;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds idle_timeout{5'000};
  std::chrono::milliseconds write_timeout{5'000};
  std::chrono::milliseconds worker_linger{2};
  std::chrono::milliseconds worker_idle_exit{2'000};
  int listen_backlog = 4096;  // the kernel caps it at net.core.somaxconn
  // The JSON body of the front's own answers (408, 431), in the server's error format.
  std::function<std::string(int status, std::string_view reason)> error_body;
  // Header lines ("Name: value\r\n" each) for those answers, from the bytes of the refused
  // request's head that did arrive (perhaps not all of it): the CORS headers (web/cors.h).
  std::function<std::string(std::string_view head)> answer_headers;
  std::function<void(std::string_view)> note;  // one line for the server log
};

class ConnectionFront;

class FrontServer final : public httplib::Server {
 public:
  // `tls` (owned, may be null): serve HTTPS on every connection with this context.
  explicit FrontServer(FrontLimits limits, SSL_CTX* tls = nullptr);
  ~FrontServer() override;

  // After bind_to_port: listen again with limits.listen_backlog (cpp-httplib listens with 5).
  bool widen_backlog();
  std::size_t worker_threads() const;

 private:
  bool process_and_close_socket(socket_t sock) override;
  friend class ConnectionFront;
  int backlog_;
  std::unique_ptr<ConnectionFront> front_;
};

// Loads a PEM certificate chain and key for FrontServer; null when either cannot be used.
SSL_CTX* make_tls_context(const std::string& cert_file, const std::string& key_file);

// For the request being served on this thread (no-ops elsewhere):
// close the connection lingering once the answer is written (body_framing.h),
void close_lingering_after_answer();
// and whether its deadline passed while its body was read (the answer is then a 408).
bool request_timed_out();

}  // namespace swapi::server
