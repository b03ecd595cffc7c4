#pragma once
// Test support: one raw TCP connection to the server under test, for what an HTTP client
// library hides: a request sent in pieces, a body that is not what its headers declare, and
// how many responses come back on one connection. Every wait is bounded; loopback only.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace swapi::test {

// RFC 3986 §2.1: every byte but the unreserved ones as %XX, for a query value or a form field
// written by hand.
std::string percent_encoded(std::string_view text);

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; the last value wins
  std::string body;                            // Content-Length bytes (none for 1xx)

  std::string header(const std::string& lower_case_name) const;
};

class RawConnection {
 public:
  explicit RawConnection(int port);  // 127.0.0.1:port; throws std::runtime_error
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends every byte; false when the server has already closed (EPIPE, ECONNRESET).
  bool send(std::string_view bytes);
  // The next response on the connection (status line, headers, Content-Length body; a 1xx
  // has none); nullopt when the connection closes or none is complete within `timeout`.
  std::optional<RawResponse> read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the server closes the connection (EOF or reset) within `timeout` and sends
  // nothing more first; whatever it did send is kept in unread().
  bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  const std::string& unread() const { return buffer_; }

 private:
  enum class Read { data, closed, timeout };
  Read read_more(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;  // received, not yet returned as a response
};

}  // namespace swapi::test
