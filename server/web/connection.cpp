#include "server/web/connection.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "base/ascii.h"

namespace swapi::server {

namespace {

// What TLS wants next, after a call that did not complete (SSL_get_error).
IoStatus tls_status(SSL* ssl, int result) {
  switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_WANT_READ: return IoStatus::want_read;
    case SSL_ERROR_WANT_WRITE: return IoStatus::want_write;
    case SSL_ERROR_ZERO_RETURN: return IoStatus::closed;
    default:
      ERR_clear_error();  // the queue is per thread: leave nothing for the next connection
      return IoStatus::failed;
  }
}

IoStatus socket_status(ssize_t result) {
  if (result == 0) return IoStatus::closed;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return IoStatus::want_read;
  return IoStatus::failed;
}

// As cpp-httplib renders request.remote_addr: the numeric host.
void address_of(int (*get)(int, sockaddr*, socklen_t*), int fd, std::string& ip, int& port) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (get(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return;
  if (address.ss_family == AF_INET) {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  } else if (address.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host, sizeof host, nullptr, 0, NI_NUMERICHOST) == 0)
    ip = host;
}

constexpr std::string_view kHeadEnd = "\r\n\r\n";

// The value of the one `name` header field of a head (name lower-case, with its colon);
// nullopt when absent, "\n" (never a value) when repeated. Line by line (memchr), so a head
// with a 760-byte token costs ~20 steps, not one per byte.
std::optional<std::string_view> header_value(std::string_view head, std::string_view name) {
  std::optional<std::string_view> found;
  for (std::size_t at = head.find('\n'); at != std::string_view::npos; at = head.find('\n', at)) {
    std::string_view line = head.substr(++at);
    line = line.substr(0, line.find('\r'));
    if (line.size() < name.size() || base::ascii_lower(line[0]) != name[0] || !base::iequals(line.substr(0, name.size()), name))
      continue;
    if (found) return "\n";
    found = base::trim(line.substr(name.size()));
  }
  return found;
}

// The Content-Length a head declares, when it declares exactly one readable value; the
// worker judges the framing (body_framing.h), this only decides how long to buffer.
std::optional<std::size_t> declared_length(std::string_view head) {
  auto value = header_value(head, "content-length:");
  if (!value) return std::nullopt;
  std::size_t length = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), length);
  if (error != std::errc() || end != value->data() + value->size()) return std::nullopt;
  return length;
}

// Does a line of `head`, looked at from `from` on, end in LF without CR? cpp-httplib 0.11.4
// drops such a field line without a trace any hook can see, where a front end that reads LF
// as the line end (RFC 9112 §2.2 allows it) keeps it: the two would disagree about the
// request's headers, so the connection front refuses it (400) before cpp-httplib parses it.
bool ends_a_line_in_bare_lf(std::string_view head, std::size_t from) {
  for (std::size_t at = head.find('\n', from); at != std::string_view::npos; at = head.find('\n', at + 1))
    if (at == 0 || head[at - 1] != '\r') return true;
  return false;
}

}  // namespace

Connection::Connection(int socket, SSL* session) : fd(socket), ssl(session), tls_ready(session == nullptr) {}

Connection::~Connection() {
  if (ssl) {
    if (tls_ready) SSL_shutdown(ssl);  // close_notify, non-blocking: sent if there is room
    SSL_free(ssl);
    ERR_clear_error();
  }
  ::close(fd);
}

IoResult Connection::receive(char* into, std::size_t size) {
  if (ssl) {
    std::size_t got = 0;
    int result = SSL_read_ex(ssl, into, size, &got);
    if (result == 1) return {got, IoStatus::done};
    return {0, tls_status(ssl, result)};
  }
  ssize_t got = ::recv(fd, into, size, 0);
  if (got > 0) return {static_cast<std::size_t>(got), IoStatus::done};
  return {0, socket_status(got)};
}

IoResult Connection::send(const char* from, std::size_t size) {
  if (ssl) {
    std::size_t sent = 0;
    int result = SSL_write_ex(ssl, from, size, &sent);
    if (result == 1) return {sent, IoStatus::done};
    return {0, tls_status(ssl, result)};
  }
  ssize_t sent = ::send(fd, from, size, MSG_NOSIGNAL);
  if (sent >= 0) return {static_cast<std::size_t>(sent), IoStatus::done};
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {0, IoStatus::want_write};
  return {0, IoStatus::failed};
}

IoStatus Connection::handshake() {
  int result = SSL_do_handshake(ssl);
  if (result == 1) {
    tls_ready = true;
    return IoStatus::done;
  }
  IoStatus status = tls_status(ssl, result);
  return status == IoStatus::closed ? IoStatus::failed : status;
}

IoStatus Connection::fill(std::size_t limit) {
  // Received on the stack and appended: a connection trickling a few bytes holds a buffer of
  // a few bytes, not of the read size (1000 slow clients held 4 KiB each). 4 KiB, not more:
  // every worker's stack keeps the pages it touched once.
  char chunk[4096];
  for (;;) {
    std::size_t have = buffer.size() - start;
    if (have >= limit) return IoStatus::done;
    IoResult got = receive(chunk, std::min(sizeof chunk, limit - have));
    if (got.status != IoStatus::done) return got.status;
    if (start > 0 && start == buffer.size()) buffer.clear(), start = scanned = 0;
    buffer.append(chunk, got.bytes);
  }
}

bool Connection::request_ready(std::size_t prebuffer) {
  std::string_view bytes = unread();
  std::size_t from = scanned > start + 3 ? scanned - start - 3 : 0;
  std::size_t end = bytes.find(kHeadEnd, from);
  std::size_t head_or_all = end == std::string_view::npos ? bytes.size() : end + kHeadEnd.size();
  if (ends_a_line_in_bare_lf(bytes.substr(0, head_or_all), from)) {
    bare_lf = true;
    head_bytes = 0;
    return false;
  }
  if (end == std::string_view::npos) {
    scanned = buffer.size();
    head_bytes = 0;
    return false;
  }
  scanned = start + end;  // found: the next call finds it again at once
  std::size_t head = end + kHeadEnd.size();
  head_bytes = head;
  // The body is waited for here only when it is small and already on its way. A client that
  // sent only the head may be waiting for an early answer (a 401 before its body, RFC 9110
  // §10.1.1's 100-continue), which only a worker can give.
  auto length = declared_length(bytes.substr(0, head));
  if (!length || *length > prebuffer || bytes.size() == head) return true;
  if (header_value(bytes.substr(0, head), "expect:")) return true;
  return bytes.size() >= head + *length;
}

void Connection::release_idle_buffer() {
  if (start == buffer.size()) std::string().swap(buffer), start = scanned = 0;
}

bool wait_for(int fd, IoStatus want, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd entry{fd, static_cast<short>(want == IoStatus::want_write ? POLLOUT : POLLIN), 0};
    int ready = ::poll(&entry, 1, static_cast<int>(std::min<long long>(left, 60'000)));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

bool ConnectionStream::is_readable() const {
  if (next_ != end_) return true;
  if (connection_.ssl && SSL_pending(connection_.ssl) > 0) return true;
  return wait_for(connection_.fd, IoStatus::want_read, request_deadline_);
}

bool ConnectionStream::is_writable() const {
  return wait_for(connection_.fd, IoStatus::want_write, Clock::now() + write_timeout_);
}

ssize_t ConnectionStream::read(char* ptr, std::size_t size) {
  if (next_ != end_) {
    if (size == 1) {  // the head, byte by byte
      *ptr = *next_++;
      return 1;
    }
    std::size_t count = std::min(size, static_cast<std::size_t>(end_ - next_));
    std::memcpy(ptr, next_, count);
    next_ += count;
    return static_cast<ssize_t>(count);
  }
  if (size == 0) return 0;
  Connection& c = connection_;
  return_buffer();  // all of it was read: the buffer empties (keeping its capacity)
  take_buffer();
  for (;;) {
    // Nothing buffered: a body's large reads go straight to the caller, small ones fill the
    // buffer with what is there.
    IoStatus status = IoStatus::done;
    if (size >= 4096) {
      IoResult got = c.receive(ptr, size);
      if (got.status == IoStatus::done) return static_cast<ssize_t>(got.bytes);
      status = got.status;
    } else {
      status = c.fill(4096);
      take_buffer();
      if (next_ != end_) return read(ptr, size);
    }
    if (status == IoStatus::closed) return 0;
    if (status == IoStatus::failed) return -1;
    if (!wait_for(c.fd, status, request_deadline_)) {
      c.timed_out = Clock::now() >= request_deadline_;
      return -1;
    }
  }
}

ssize_t ConnectionStream::write(const char* ptr, std::size_t size) {
  std::size_t sent = 0;
  auto deadline = Clock::now() + write_timeout_;
  while (sent < size) {
    IoResult result = connection_.send(ptr + sent, size - sent);
    sent += result.bytes;
    if (result.status == IoStatus::done) continue;
    if (result.status == IoStatus::closed || result.status == IoStatus::failed) return -1;
    if (!wait_for(connection_.fd, result.status, deadline)) return -1;
  }
  return static_cast<ssize_t>(size);
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  if (connection_.remote_port < 0)
    address_of(::getpeername, connection_.fd, connection_.remote_ip, connection_.remote_port);
  ip = connection_.remote_ip;
  port = connection_.remote_port;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  if (connection_.local_port < 0)
    address_of(::getsockname, connection_.fd, connection_.local_ip, connection_.local_port);
  ip = connection_.local_ip;
  port = connection_.local_port;
}

}  // namespace swapi::server
