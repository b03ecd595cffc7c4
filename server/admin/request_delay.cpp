#include "server/admin/request_delay.h"

namespace swapi::server {

RequestDelay::Held WorkerSleepDelay::hold(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  if (closed_) return Held::released;
  if (holding_ >= max_holding_) return Held::refused;
  std::uint64_t generation = releases_;
  ++holding_;
  bool released = wake_.wait_for(lock, delay, [&] { return releases_ != generation; });
  --holding_;
  return released ? Held::released : Held::waited;
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
