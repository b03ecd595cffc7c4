#include "server/web/worker_pool.h"

#include <thread>
#include <utility>

namespace swapi::server {

WorkerPool::WorkerPool(std::size_t max_threads, std::chrono::milliseconds idle_exit)
    : max_threads_(max_threads > 0 ? max_threads : 1), idle_exit_(idle_exit) {}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::enqueue(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  if (shutting_down_) return;
  jobs_.push_back(std::move(job));
  // A waiting job beyond the idle workers needs a thread of its own, while the bound allows.
  if (jobs_.size() > idle_ && threads_ < max_threads_) {
    ++threads_;
    // Detached: a worker that ends on its own (idle) has nobody to join it. shutdown() waits
    // for the count instead, and a worker touches nothing of the pool after its last unlock.
    std::thread([this] { work(); }).detach();
  } else {
    lock.unlock();
    work_ready_.notify_one();
  }
}

void WorkerPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (jobs_.empty()) {
      if (shutting_down_) break;
      ++idle_;
      bool woken = work_ready_.wait_for(lock, idle_exit_, [this] { return !jobs_.empty() || shutting_down_; });
      --idle_;
      if (!woken) break;  // idle for idle_exit_: shrink
      continue;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    job = nullptr;  // whatever the job holds is released outside the lock
    lock.lock();
  }
  --threads_;
  if (threads_ == 0) all_ended_.notify_all();
}

void WorkerPool::shutdown() {
  std::unique_lock lock(mutex_);
  shutting_down_ = true;
  work_ready_.notify_all();
  all_ended_.wait(lock, [this] { return threads_ == 0; });
}

bool WorkerPool::has_waiting_jobs() const {
  std::lock_guard lock(mutex_);
  return jobs_.size() > idle_;
}

std::size_t WorkerPool::threads() const {
  std::lock_guard lock(mutex_);
  return threads_;
}

}  // namespace swapi::server
