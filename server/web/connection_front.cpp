#include "server/web/connection_front.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/web/connection.h"
#include "server/web/json_response.h"
#include "server/web/worker_pool.h"

namespace swapi::server {

namespace {

// A refused client's leftovers are read and dropped for this long, up to this many bytes,
// before the close (body_framing.h): closing with unread bytes makes the kernel send a reset,
// which can destroy the answer before the client reads it (a keep-alive client POSTing 1 MB
// without a token saw a write error instead of the 401 in 24 of 50 tries). 8 MiB covers every
// body a client may send (the limit is 1 MiB) with room for one over it; 250 ms is ages on
// loopback and bounds a trickling client.
constexpr std::size_t kDrainBytes = 8u << 20;
constexpr auto kDrainTime = std::chrono::milliseconds(250);
// Deadlines are checked this often: their resolution, and the poller's only timer.
constexpr auto kDeadlineTick = std::chrono::milliseconds(50);

constexpr const char* kBareLf = "a line of the request head ends in LF without CR (RFC 9112 §2.2: lines end in CRLF)";

thread_local Connection* serving = nullptr;

enum class Phase { handshake, idle, head, draining };

}  // namespace

class ConnectionFront {
 public:
  ConnectionFront(FrontServer& server, FrontLimits limits, SSL_CTX* tls)
      : server_(server), limits_(std::move(limits)), tls_(tls), pool_(limits_.max_threads, limits_.worker_idle_exit) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = nullptr;  // the wake-up
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event);
    poller_ = std::thread([this] { poll_loop(); });
  }

  ~ConnectionFront() {
    stop();
    ::close(wake_);
    ::close(epoll_);
    if (tls_) SSL_CTX_free(tls_);
  }

  // The accept thread: a new connection, for the poller.
  void adopt(int fd) {
    if (stopping_ || open_ >= limits_.max_connections) {
      ::close(fd);  // over the deliberate bound: refused at once rather than starving the rest
      return;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    SSL* ssl = nullptr;
    if (tls_) {
      ssl = SSL_new(tls_);
      if (!ssl || SSL_set_fd(ssl, fd) != 1) {
        SSL_free(ssl);
        ERR_clear_error();
        ::close(fd);
        return;
      }
      SSL_set_accept_state(ssl);
    }
    ++open_;
    auto* connection = new Connection(fd, ssl);
    connection->deadline = Clock::now() + (ssl ? limits_.request_timeout : limits_.idle_timeout);
    pass_to_poller(connection, ssl ? Phase::handshake : Phase::idle);
  }

  // Once the accept loop has ended: idle connections close, answers in progress finish.
  void stop() {
    if (stopped_.exchange(true)) return;
    stopping_ = true;
    wake();
    if (poller_.joinable()) poller_.join();
    pool_.shutdown();
  }

  std::size_t worker_threads() const { return pool_.threads(); }

 private:
  void wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_, &one, sizeof one);
  }

  void pass_to_poller(Connection* connection, Phase phase) {
    {
      std::lock_guard lock(mutex_);
      incoming_.emplace_back(connection, phase);
    }
    wake();
  }

  void close(Connection* connection) {
    delete connection;
    --open_;
  }

  // Poller thread from here to serve().
  void arm(Connection* connection, IoStatus want) {
    epoll_event event{};
    event.events = (want == IoStatus::want_write ? EPOLLOUT : EPOLLIN) | EPOLLRDHUP | EPOLLONESHOT;
    event.data.ptr = connection;
    ::epoll_ctl(epoll_, connection->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, connection->fd, &event);
    connection->registered = true;
  }

  void drop(Connection* connection) {
    waiting_.erase(connection);
    close(connection);
  }

  void poll_loop() {
    std::vector<epoll_event> events(256);
    auto next_tick = Clock::now() + kDeadlineTick;
    for (;;) {
      take_incoming();
      if (stopping_) {
        for (auto& [connection, phase] : waiting_) close(connection);
        waiting_.clear();
        if (open_ == 0) return;
      }
      int timeout = waiting_.empty() && !stopping_ ? -1 : static_cast<int>(kDeadlineTick.count());
      int count = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout);
      for (int i = 0; i < count; ++i) {
        auto* connection = static_cast<Connection*>(events[i].data.ptr);
        if (!connection) {
          std::uint64_t value;
          [[maybe_unused]] auto got = ::read(wake_, &value, sizeof value);
          continue;
        }
        auto found = waiting_.find(connection);
        if (found != waiting_.end()) advance(connection, found->second);
      }
      auto now = Clock::now();
      if (now >= next_tick) {
        expire(now);
        next_tick = now + kDeadlineTick;
      }
    }
  }

  void take_incoming() {
    std::vector<std::pair<Connection*, Phase>> taken;
    {
      std::lock_guard lock(mutex_);
      taken.swap(incoming_);
    }
    for (auto [connection, phase] : taken) {
      waiting_[connection] = phase;
      if (phase == Phase::draining) {
        start_draining(connection);
      } else if (phase == Phase::head && connection->request_ready(limits_.prebuffer_bytes)) {
        dispatch(connection);  // cannot happen from a worker, but costs nothing to honour
      } else if (phase == Phase::head && connection->bare_lf) {
        refuse(connection, 400, kBareLf);  // a pipelined request a worker found malformed
      } else {
        arm(connection, IoStatus::want_read);
      }
    }
  }

  // The connection has something for us: read it and decide.
  void advance(Connection* connection, Phase& phase) {
    if (phase == Phase::draining) return drain(connection);
    if (phase == Phase::handshake) {
      IoStatus status = connection->handshake();
      if (status == IoStatus::failed) return drop(connection);
      if (status != IoStatus::done) return arm(connection, status);
      phase = Phase::idle;
      connection->deadline = Clock::now() + limits_.idle_timeout;
    }
    IoStatus status = connection->fill(limits_.max_head_bytes + limits_.prebuffer_bytes);
    if (phase == Phase::idle && !connection->unread().empty()) {
      phase = Phase::head;  // a request begins: it must be whole (body too) by its deadline
      connection->deadline = Clock::now() + limits_.request_timeout;
    }
    if (connection->request_ready(limits_.prebuffer_bytes)) return dispatch(connection);
    if (connection->bare_lf) return refuse(connection, 400, kBareLf);
    if (status == IoStatus::closed || status == IoStatus::failed) return drop(connection);
    if (connection->head_bytes == 0 && connection->unread().size() >= limits_.max_head_bytes)
      return refuse(connection, 431, "the request head is larger than " + std::to_string(limits_.max_head_bytes) + " bytes");
    arm(connection, status == IoStatus::want_write ? status : IoStatus::want_read);
  }

  void dispatch(Connection* connection) {
    waiting_.erase(connection);
    if (stopping_) return close(connection);
    pool_.enqueue([this, connection] { serve(connection); });
  }

  void expire(Clock::time_point now) {
    std::vector<std::pair<Connection*, Phase>> due;
    for (auto& [connection, phase] : waiting_)
      if (connection->deadline <= now) due.emplace_back(connection, phase);
    for (auto [connection, phase] : due) {
      if (phase == Phase::head) {
        refuse(connection, 408, "the request did not arrive within " + std::to_string(limits_.request_timeout.count()) +
                                    " ms");
      } else {
        drop(connection);  // idle keep-alive, a stalled handshake, a drain done: just close
      }
    }
  }

  // The front's own answer (408, 431): sent if there is room, then a lingering close.
  void refuse(Connection* connection, int status, const std::string& reason) {
    std::string body = limits_.error_body ? limits_.error_body(status, reason) : "{}";
    std::string headers = limits_.answer_headers ? limits_.answer_headers(connection->unread()) : "";
    std::string bytes = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) +
                        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nConnection: close\r\n" + headers + "\r\n" + body;
    if (connection->tls_ready) connection->send(bytes.data(), bytes.size());
    if (limits_.note) {
      std::string peer;
      int port = -1;
      ConnectionStream(*connection, Clock::now(), {}).get_remote_ip_and_port(peer, port);
      limits_.note(std::to_string(status) + " to " + peer + ":" + std::to_string(port) + ": " + reason);
    }
    start_draining(connection);
  }

  void start_draining(Connection* connection) {
    waiting_[connection] = Phase::draining;
    if (connection->ssl && connection->tls_ready) SSL_shutdown(connection->ssl);
    ERR_clear_error();
    ::shutdown(connection->fd, SHUT_WR);
    connection->deadline = Clock::now() + kDrainTime;
    arm(connection, IoStatus::want_read);
  }

  void drain(Connection* connection) {
    char discard[16384];
    for (;;) {
      ssize_t got = ::recv(connection->fd, discard, sizeof discard, 0);
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return arm(connection, IoStatus::want_read);
      if (got <= 0) return drop(connection);  // the client closed too: done
      connection->drained += static_cast<std::size_t>(got);
      if (connection->drained >= kDrainBytes) return drop(connection);
    }
  }

  // A worker: answer the request that arrived, and the next ones while they come at once.
  void serve(Connection* connection) {
    serving = connection;
    Phase next = Phase::idle;
    for (;;) {
      ++connection->served;
      bool last = stopping_ || connection->served >= limits_.keep_alive_max_requests;
      bool closed = false;
      connection->timed_out = false;
      bool ok;
      {
        ConnectionStream stream(*connection, connection->deadline, limits_.write_timeout);
        ok = server_.process_request(stream, last, closed, nullptr);
      }
      if (!ok || closed || last) {
        next = connection->linger ? Phase::draining : Phase::handshake;  // handshake: close
        break;
      }
      auto now = Clock::now();
      if (!connection->unread().empty()) connection->deadline = now + limits_.request_timeout;
      if (connection->request_ready(limits_.prebuffer_bytes)) continue;
      if (connection->unread().empty() && !pool_.has_waiting_jobs() &&
          wait_for(connection->fd, IoStatus::want_read, now + limits_.worker_linger)) {
        IoStatus status = connection->fill(limits_.max_head_bytes + limits_.prebuffer_bytes);
        if (!connection->unread().empty()) connection->deadline = Clock::now() + limits_.request_timeout;
        if (connection->request_ready(limits_.prebuffer_bytes)) continue;
        if (status == IoStatus::closed || status == IoStatus::failed) {
          next = Phase::handshake;
          break;
        }
      }
      next = connection->unread().empty() ? Phase::idle : Phase::head;
      break;
    }
    serving = nullptr;
    if (next == Phase::handshake) return close(connection);
    if (next == Phase::idle) {
      connection->release_idle_buffer();
      connection->deadline = Clock::now() + limits_.idle_timeout;
    }
    pass_to_poller(connection, next);
  }

  FrontServer& server_;
  const FrontLimits limits_;
  SSL_CTX* tls_;
  WorkerPool pool_;
  int epoll_ = -1, wake_ = -1;
  std::mutex mutex_;
  std::vector<std::pair<Connection*, Phase>> incoming_;  // accepted or handed back
  std::unordered_map<Connection*, Phase> waiting_;      // the poller's own: not at a worker
  std::atomic<std::size_t> open_{0};
  std::atomic<bool> stopping_{false}, stopped_{false};
  std::thread poller_;
};

namespace {

// cpp-httplib's accept loop hands each connection to its TaskQueue; this one passes it on to
// the front at once (on the accept thread: a few syscalls), and its shutdown, which the loop
// calls once it has stopped accepting, stops the front.
class AcceptQueue final : public httplib::TaskQueue {
 public:
  AcceptQueue(std::function<void()> stop) : stop_(std::move(stop)) {}
  void enqueue(std::function<void()> job) override { job(); }
  void shutdown() override { stop_(); }

 private:
  std::function<void()> stop_;
};

}  // namespace

FrontServer::FrontServer(FrontLimits limits, SSL_CTX* tls) : backlog_(limits.listen_backlog) {
  // Each connection is a descriptor: allow the configured number, as far as the hard limit does.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    rlim_t wanted = std::min<rlim_t>(files.rlim_max, limits.max_connections + 256);
    if (files.rlim_cur < wanted) {
      files.rlim_cur = wanted;
      ::setrlimit(RLIMIT_NOFILE, &files);
    }
  }
  front_ = std::make_unique<ConnectionFront>(*this, std::move(limits), tls);
  new_task_queue = [this] { return new AcceptQueue([this] { front_->stop(); }); };
}

FrontServer::~FrontServer() { front_->stop(); }

bool FrontServer::widen_backlog() {
  // Linux re-applies listen() to a listening socket: only the backlog changes.
  return ::listen(svr_sock_, backlog_) == 0;
}

std::size_t FrontServer::worker_threads() const { return front_->worker_threads(); }

bool FrontServer::process_and_close_socket(socket_t sock) {
  front_->adopt(sock);
  return true;
}

SSL_CTX* make_tls_context(const std::string& cert_file, const std::string& key_file) {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (!context) return nullptr;
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_options(context, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // Writes of part of a buffer (the stream loops), and no 34 KB buffers kept on an idle connection.
  SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(context, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(context) != 1) {
    SSL_CTX_free(context);
    ERR_clear_error();
    return nullptr;
  }
  return context;
}

void close_lingering_after_answer() {
  if (serving) serving->linger = true;
}

bool request_timed_out() { return serving && serving->timed_out; }

}  // namespace swapi::server
