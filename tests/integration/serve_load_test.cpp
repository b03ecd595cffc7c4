// `swapi serve` under load, over raw loopback sockets against the real binary (issue 10): a
// burst of connections all answered, slow and idle clients never delay a valid request, a
// trickling client cut off with 408 by its deadline, the worker pool bounded and shrinking
// back once the load is gone. Bounds are generous for a loaded 2-core CI machine but far
// below what the old server did (a valid request behind 200 slow clients waited 14 s).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <algorithm>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/raw_http.h"
#include "tests/support/server_process.h"

using namespace swapi::test;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

// One non-blocking socket, connected (or connecting) to 127.0.0.1:port.
int open_socket(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int result = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  REQUIRE((result == 0 || errno == EINPROGRESS));
  return fd;
}

struct Sockets {
  std::vector<int> fds;
  ~Sockets() {
    for (int fd : fds) ::close(fd);
  }
};

// Sends `bytes` on every socket as soon as it is connected, then reads each until the server
// closes it; returns how many got a response starting with `status_line`.
std::size_t exchange_all(const std::vector<int>& fds, const std::string& bytes, const std::string& status_line,
                         std::chrono::milliseconds bound) {
  std::vector<std::string> received(fds.size());
  std::vector<bool> sent(fds.size(), false), done(fds.size(), false);
  std::size_t open = fds.size();
  auto deadline = Clock::now() + bound;
  while (open > 0 && Clock::now() < deadline) {
    std::vector<pollfd> entries;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (done[i]) continue;
      entries.push_back({fds[i], static_cast<short>(sent[i] ? POLLIN : POLLOUT), 0});
      index.push_back(i);
    }
    if (::poll(entries.data(), entries.size(), 100) <= 0) continue;
    for (std::size_t k = 0; k < entries.size(); ++k) {
      std::size_t i = index[k];
      if (entries[k].revents == 0) continue;
      if (!sent[i]) {
        sent[i] = ::send(fds[i], bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
        if (!sent[i]) done[i] = true, --open;
        continue;
      }
      char buffer[4096];
      ssize_t got = ::recv(fds[i], buffer, sizeof buffer, 0);
      if (got > 0) {
        received[i].append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        done[i] = true;
        --open;
      }
    }
  }
  std::size_t answered = 0;
  for (const auto& response : received) answered += response.rfind(status_line, 0) == 0;
  return answered;
}

// The listening socket's accept backlog, as the kernel reports it (ss: Send-Q of a listener).
long listen_backlog(int port) {
  std::string command = "ss -ltnH 'sport = :" + std::to_string(port) + "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return -1;
  char state[32], receive_queue[32];
  long send_queue = -1;
  if (std::fscanf(pipe.get(), "%31s %31s %ld", state, receive_queue, &send_queue) != 3) return -1;
  return send_queue;
}

// TcpExtListenOverflows of this network namespace (/proc/net/netstat: a names line, then a
// values line, per group).
long listen_overflows() {
  std::ifstream netstat("/proc/net/netstat");
  std::string names, values;
  while (std::getline(netstat, names) && std::getline(netstat, values)) {
    if (names.rfind("TcpExt:", 0) != 0) continue;
    std::istringstream name_words(names), value_words(values);
    std::string name, value;
    while (name_words >> name && value_words >> value)
      if (name == "ListenOverflows") return std::stol(value);
  }
  return 0;
}

// 1000 client sockets and the server's as many: more than a default soft limit of 1024.
void raise_open_file_limit(rlim_t wanted) {
  rlimit files{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &files) == 0);
  files.rlim_cur = std::min(files.rlim_max, std::max(files.rlim_cur, wanted));
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &files) == 0);
  REQUIRE(files.rlim_cur >= wanted);
}

long somaxconn() {
  long value = 4096;
  std::ifstream("/proc/sys/net/core/somaxconn") >> value;
  return value;
}

std::size_t thread_count(pid_t pid) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task"))
    ++count;
  return count;
}

const std::string kHealthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

// A valid request on a fresh connection; returns how long its answer took (or 60 s if none).
std::chrono::milliseconds timed_valid_request(int port, int& status) {
  auto start = Clock::now();
  RawConnection connection(port);
  connection.send("GET /api/films/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto response = connection.read_response(10s);
  status = response ? response->status : 0;
  return response ? std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start) : 60s;
}

}  // namespace

TEST_CASE("load: a burst of 1000 simultaneous connections all get answers, without overflowing the listen queue") {
  raise_open_file_limit(2200);
  ServerProcess server({"--no-auth"});
  // cpp-httplib listens with a backlog of 5: a burst overflowed it and waited for a SYN
  // retransmit (1 s, then 3 s). The server asks for 4096, which the kernel caps at somaxconn.
  CHECK(listen_backlog(server.port()) >= std::min(1024L, somaxconn()));

  long overflows_before = listen_overflows();
  Sockets sockets;
  for (int i = 0; i < 1000; ++i) sockets.fds.push_back(open_socket(server.port()));
  CHECK(exchange_all(sockets.fds, kHealthz, "HTTP/1.1 200 OK", 30s) == 1000);
  // Counted per network namespace, so another test's listener could add to it, but none of
  // them takes a burst: any overflow here is this server's.
  CHECK(listen_overflows() - overflows_before == 0);
}

TEST_CASE("load: 500 idle and 500 half-sent requests do not delay a valid request, and their memory goes with them") {
  raise_open_file_limit(2200);
  ServerProcess server({"--no-auth", "--max-threads", "4", "--request-timeout", "60", "--idle-timeout", "60"});
  {
    int status = 0;
    timed_valid_request(server.port(), status);  // the first answer touches what every answer needs
    REQUIRE(status == 200);
  }
  std::size_t rss_before = server.rss_kib();
  {
    Sockets idle, slow;
    for (int i = 0; i < 500; ++i) idle.fds.push_back(open_socket(server.port()));
    for (int i = 0; i < 500; ++i) slow.fds.push_back(open_socket(server.port()));
    // Half a request line each, then nothing: with the old thread-per-connection pool, each
    // one held a worker until its read timed out.
    const std::string half = "GET /api/films/1/ HT";
    std::size_t written = 0;
    auto deadline = Clock::now() + 10s;
    for (int fd : slow.fds) {
      pollfd entry{fd, POLLOUT, 0};
      while (::poll(&entry, 1, 100) <= 0 && Clock::now() < deadline) {
      }
      written += ::send(fd, half.data(), half.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(half.size());
    }
    REQUIRE(written == 500);
    for (int round = 0; round < 3; ++round) {
      int status = 0;
      auto took = timed_valid_request(server.port(), status);
      CAPTURE(round);
      CHECK(status == 200);
      CHECK(took < 2s);  // the goal is 1 s; the rest is room for a loaded CI machine
    }
  }
  // Closed by the client: the server lets go of them (their buffers and state), at once.
  auto deadline = Clock::now() + 5s;
  while (server.rss_kib() > rss_before + 1024 && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  CAPTURE(rss_before);
  CHECK(server.rss_kib() <= rss_before + 1024);
}

TEST_CASE("load: a request sent one byte a second is cut off with 408 at its deadline") {
  ServerProcess server({"--no-auth", "--request-timeout", "2"});
  RawConnection connection(server.port());
  const std::string request = "GET /api/films/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  auto start = Clock::now();
  std::optional<RawResponse> response;
  for (char byte : request) {
    if (!connection.send(std::string(1, byte))) break;
    response = connection.read_response(1s);  // waits the second between bytes
    if (response) break;
  }
  auto took = Clock::now() - start;
  REQUIRE(response);
  CHECK(response->status == 408);
  CHECK(response->header("connection") == "close");
  CHECK(nlohmann::json::parse(response->body)["detail"] == "the request did not arrive within 2000 ms");
  CHECK(connection.closed_by_server(3s));
  CHECK(took >= 1900ms);
  CHECK(took < 4s);  // the deadline, plus the 1 s the test waits between bytes, plus slack
}

TEST_CASE("load: a body that trickles is cut off with 408 too, buffered or read by a worker") {
  ServerProcess server({"--no-auth", "--flavor", "loopback", "--request-timeout", "2"});
  // 100 bytes: the front waits for the whole body before a worker sees the request. 200 kB:
  // over what the front buffers, so a worker reads it, under the same deadline.
  for (std::size_t length : {std::size_t{100}, std::size_t{200'000}}) {
    CAPTURE(length);
    RawConnection connection(server.port());
    auto start = Clock::now();
    connection.send("POST /api/people HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Content-Length: " + std::to_string(length) + "\r\n\r\n{\"name\":");
    std::optional<RawResponse> response;
    while (!response && Clock::now() - start < 6s) {
      connection.send(" ");
      response = connection.read_response(500ms);
    }
    REQUIRE(response);
    CHECK(response->status == 408);
    CHECK(response->header("connection") == "close");
    CHECK(Clock::now() - start < 4s);
    CHECK(connection.closed_by_server(3s));
  }
}

TEST_CASE("load: the worker pool grows to its bound under load and shrinks back when idle") {
  ServerProcess server({"--no-auth", "--max-threads", "6"});
  std::size_t baseline = thread_count(server.pid());  // no request yet: no worker
  std::size_t peak = baseline;
  std::atomic<bool> loading{true};
  std::thread watcher([&] {
    while (loading) {
      peak = std::max(peak, thread_count(server.pid()));
      std::this_thread::sleep_for(1ms);
    }
  });
  for (int round = 0; round < 5; ++round) {
    Sockets sockets;
    for (int i = 0; i < 100; ++i) sockets.fds.push_back(open_socket(server.port()));
    CHECK(exchange_all(sockets.fds, "GET /api/people/?search=a HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                       "HTTP/1.1 200 OK", 30s) == 100);
  }
  loading = false;
  watcher.join();
  CAPTURE(baseline);
  CHECK(peak > baseline);
  CHECK(peak <= baseline + 6);
  // Idle workers end after 2 s; allow a loaded machine 10.
  auto deadline = Clock::now() + 10s;
  while (thread_count(server.pid()) > baseline && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  CHECK(thread_count(server.pid()) == baseline);
}
