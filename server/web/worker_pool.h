#pragma once
// The workers that run requests: a pool that grows under load and shrinks when idle, with a
// deliberate upper bound. cpp-httplib's ThreadPool starts a fixed number of threads and keeps
// them for the server's life; that number had to cover every open keep-alive connection (each
// held a worker), so it was both too small (slow clients starved it) and too large (64 stacks
// and malloc arenas at rest). Behind the connection front (connection_front.h) a worker is
// only ever busy with a request that has fully arrived, so the pool only needs as many
// threads as there are requests being computed or written at once.
//  - Grows: a job that finds no idle worker starts one, up to `max_threads`; beyond that jobs
//    wait in FIFO order (their number is bounded by the front's connection limit).
//  - Shrinks: a worker with nothing to do for `idle_exit` ends, down to zero threads; the
//    next job starts one again (~30 us), which is nothing next to a request's budget.
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace swapi::server {

class WorkerPool final : public httplib::TaskQueue {
 public:
  WorkerPool(std::size_t max_threads, std::chrono::milliseconds idle_exit);
  ~WorkerPool() override;  // shuts down
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void enqueue(std::function<void()> job) override;
  // Runs the queued jobs, then waits for every worker to end. Jobs enqueued later are dropped.
  void shutdown() override;

  // True when jobs are waiting for a worker: a worker then should not linger on one client.
  bool has_waiting_jobs() const;
  std::size_t threads() const;  // live workers

 private:
  void work();

  const std::size_t max_threads_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable all_ended_;
  std::deque<std::function<void()>> jobs_;
  std::size_t threads_ = 0;
  std::size_t idle_ = 0;
  bool shutting_down_ = false;
};

}  // namespace swapi::server
