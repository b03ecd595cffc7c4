#pragma once
// One client connection of the connection front (connection_front.h): its socket, its TLS
// session when it has one, the bytes received and not yet parsed, and the deadlines that bound
// how long the client may take. The front's poller thread and at most one worker own it in
// turn, never both at once (the hand-offs go through a mutex or the pool's queue).
#include <httplib.h>
#include <openssl/types.h>

#include <chrono>
#include <cstddef>
#include <string>

namespace swapi::server {

using Clock = std::chrono::steady_clock;

enum class IoStatus { done, want_read, want_write, closed, failed };

struct IoResult {
  std::size_t bytes = 0;
  IoStatus status = IoStatus::done;
};

struct Connection {
  Connection(int fd, SSL* ssl);
  ~Connection();  // closes the socket (after a TLS close_notify, best effort)
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Non-blocking transfer over the socket or the TLS session; `done` with bytes > 0, or why not.
  IoResult receive(char* into, std::size_t size);
  IoResult send(const char* from, std::size_t size);
  // The TLS handshake, non-blocking: done, want_read/want_write (call again), or failed.
  IoStatus handshake();
  // Read what is there into the buffer, up to `limit` unread bytes: the last result that
  // stopped the loop (want_read once drained).
  IoStatus fill(std::size_t limit);

  std::string_view unread() const { return std::string_view(buffer).substr(start); }
  void consume(std::size_t count) {
    start += count;
    if (start == buffer.size()) buffer.clear(), start = scanned = 0;  // keeps the capacity
  }
  // Is a whole request head here (and, when it declares a Content-Length of at most
  // `prebuffer` bytes and part of its body came with it, the whole body)? Remembers how far it
  // looked, so a client sending its head byte by byte costs one pass over it, not one per byte.
  // Never ready once a line of the head ends in a bare LF: `bare_lf` says so, to be refused.
  bool request_ready(std::size_t prebuffer);
  void release_idle_buffer();  // an idle keep-alive connection holds no buffer

  int fd;
  SSL* ssl;  // null for plain HTTP
  bool tls_ready;  // handshake done (true for plain HTTP)
  std::string buffer;
  std::size_t start = 0;    // buffer[start..] is unread
  std::size_t scanned = 0;  // request_ready() looked at unread bytes before this offset
  std::size_t head_bytes = 0;  // set by request_ready(): the head's length, 0 while incomplete
  bool bare_lf = false;        // set by request_ready(): a head line ends in LF without CR
  Clock::time_point deadline{};  // of what the connection is waiting for now
  std::size_t served = 0;        // requests answered on it
  bool linger = false;           // close lingering (body_framing.h) when the answer is out
  bool timed_out = false;        // the request's deadline passed while a worker read it
  bool registered = false;       // known to the poller's epoll set
  std::size_t drained = 0;       // bytes read and dropped in a lingering close
  std::string remote_ip, local_ip;
  int remote_port = -1, local_port = -1;
};

// cpp-httplib's view of a connection while a worker serves a request on it: reads come from
// the buffer first, then the socket, until the request's deadline (a whole request must
// arrive by it, however it trickles); writes wait at most `write_timeout` for room.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(Connection& connection, Clock::time_point request_deadline, Clock::duration write_timeout)
      : connection_(connection), request_deadline_(request_deadline), write_timeout_(write_timeout) {
    take_buffer();
  }
  ~ConnectionStream() override { return_buffer(); }
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, std::size_t size) override;
  ssize_t write(const char* ptr, std::size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return connection_.fd; }

 private:
  // cpp-httplib reads a head one byte per call (~850 calls for a request with a token): those
  // calls read from [next_, end_), and the connection's buffer learns what was consumed only
  // when the stream refills or ends.
  void take_buffer() {
    next_ = connection_.buffer.data() + connection_.start;
    end_ = connection_.buffer.data() + connection_.buffer.size();
  }
  void return_buffer() { connection_.consume(static_cast<std::size_t>(next_ - (connection_.buffer.data() + connection_.start))); }

  Connection& connection_;
  const char* next_ = nullptr;
  const char* end_ = nullptr;
  Clock::time_point request_deadline_;
  Clock::duration write_timeout_;
};

// Waits until `fd` is readable (want_read) or writable (want_write), or `deadline` passes
// (false).
bool wait_for(int fd, IoStatus want, Clock::time_point deadline);

}  // namespace swapi::server
