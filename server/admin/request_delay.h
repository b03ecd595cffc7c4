#pragma once
// How a delay fault makes a request wait (DESIGN.md "Scenario control": a delay never ties up
// the server). Behind this interface so the waiting can change with the worker pool.
//
// cpp-httplib 0.11 runs a request start to finish on one pool worker and has no way to park a
// request and answer it later from another thread, so the waiting request holds its worker.
// That costs one worker of the pool per delayed request, never more, and WorkerSleepDelay holds
// at most a bound of them at once (half the pool): a flood of requests on a delayed route
// cannot take every worker, other connections keep being answered by the rest
// (tests/integration/admin_delay_test.cpp). A pool that grows under load (issue 10) can raise
// the bound; a server that can suspend a request would implement hold() by suspending it.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

namespace swapi::server {

class RequestDelay {
 public:
  virtual ~RequestDelay() = default;
  enum class Held { waited, released, refused };
  // Makes the calling request wait `delay`, the delays of the faults `faults` (their ids):
  // waited when the whole delay passed, released when release() of one of them or
  // release_all() ended it early, refused (at once) when too many requests wait already.
  virtual Held hold(std::chrono::milliseconds delay, std::span<const std::uint64_t> faults = {}) = 0;
  // Ends the waits of the requests delayed by fault `id`: that fault was removed.
  virtual void release(std::uint64_t id) = 0;
  // Ends every wait now: every fault cleared, the server stopping (its workers must finish,
  // and a ten-minute delay must not hold up a Ctrl-C).
  virtual void release_all() = 0;
  // release_all(), and from now on hold() returns at once (the server is stopping).
  virtual void close() = 0;
  // Requests waiting right now.
  virtual std::size_t holding() const = 0;
  // How many may wait at once; 0 when none may (a one-worker server: a wait would stop it).
  virtual std::size_t capacity() const = 0;
};

// The waiting request sleeps on its worker, on a condition variable so release_all() wakes it.
class WorkerSleepDelay final : public RequestDelay {
 public:
  explicit WorkerSleepDelay(std::size_t max_holding) : max_holding_(max_holding) {}
  Held hold(std::chrono::milliseconds delay, std::span<const std::uint64_t> faults = {}) override;
  void release(std::uint64_t id) override;
  void release_all() override;
  void close() override;
  std::size_t holding() const override;
  std::size_t capacity() const override { return max_holding_; }

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  struct Waiter {
    std::span<const std::uint64_t> faults;
    bool released = false;  // by release() of one of its faults
  };
  std::vector<Waiter*> waiters_;  // at most max_holding_, each on its own worker's stack
  std::uint64_t releases_ = 0;  // bumped by release_all: a waiter sees its generation pass
  std::size_t holding_ = 0;
  std::size_t max_holding_;
  bool closed_ = false;
};

}  // namespace swapi::server
