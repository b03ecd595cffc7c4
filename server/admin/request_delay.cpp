#include "server/admin/request_delay.h"

#include <algorithm>

namespace swapi::server {

RequestDelay::Held WorkerSleepDelay::hold(std::chrono::milliseconds delay, std::span<const std::uint64_t> faults) {
  std::unique_lock lock(mutex_);
  if (closed_) return Held::released;
  if (holding_ >= max_holding_) return Held::refused;
  std::uint64_t generation = releases_;
  Waiter me{faults};
  waiters_.push_back(&me);
  ++holding_;
  bool released = wake_.wait_for(lock, delay, [&] { return me.released || releases_ != generation; });
  --holding_;
  std::erase(waiters_, &me);
  return released ? Held::released : Held::waited;
}

void WorkerSleepDelay::release(std::uint64_t id) {
  {
    std::lock_guard lock(mutex_);
    for (Waiter* waiter : waiters_)
      if (std::find(waiter->faults.begin(), waiter->faults.end(), id) != waiter->faults.end()) waiter->released = true;
  }
  wake_.notify_all();
}

void WorkerSleepDelay::release_all() {
  {
    std::lock_guard lock(mutex_);
    ++releases_;
  }
  wake_.notify_all();
}

void WorkerSleepDelay::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ++releases_;
  }
  wake_.notify_all();
}

std::size_t WorkerSleepDelay::holding() const {
  std::lock_guard lock(mutex_);
  return holding_;
}

}  // namespace swapi::server
