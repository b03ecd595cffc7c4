#pragma once
// How a delay fault makes a request wait (DESIGN.md "Scenario control": a delay never ties up
// the server). Behind this interface so the waiting can change with the worker pool.
//
// cpp-httplib 0.11 runs a request start to finish on one pool worker and has no way to park a
// request and answer it later from another thread, so the waiting request holds its worker.
// That costs one worker of the pool per delayed request, never more: other connections keep
// being answered by the other workers (tests/integration/admin_delay_test.cpp holds 8 with the
// default pool and checks that a request meanwhile is answered at once). A pool that grows
// under load (issue 10) turns that into no cost at all; a server that can suspend a request
// would implement hold() by suspending it.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace swapi::server {

class RequestDelay {
 public:
  virtual ~RequestDelay() = default;
  // Makes the calling request wait `delay`, or less when release_all() comes first. Returns
  // true when the whole delay passed.
  virtual bool hold(std::chrono::milliseconds delay) = 0;
  // Ends every wait now: a fault cleared, the server stopping (its workers must finish, and a
  // ten-minute delay must not hold up a Ctrl-C).
  virtual void release_all() = 0;
  // release_all(), and from now on hold() returns at once (the server is stopping).
  virtual void close() = 0;
  // Requests waiting right now.
  virtual std::size_t holding() const = 0;
};

// The waiting request sleeps on its worker, on a condition variable so release_all() wakes it.
class WorkerSleepDelay final : public RequestDelay {
 public:
  bool hold(std::chrono::milliseconds delay) override;
  void release_all() override;
  void close() override;
  std::size_t holding() const override;

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t releases_ = 0;  // bumped by release_all: a waiter sees its generation pass
  std::size_t holding_ = 0;
  bool closed_ = false;
};

}  // namespace swapi::server
