#include "server/keyset_reloader.h"

#include <pthread.h>
#include <signal.h>

namespace swapi::server {

KeysetReloader::KeysetReloader(std::chrono::milliseconds interval, std::function<void()> poll) {
  // The thread is created with every signal blocked (it inherits the mask): SIGINT/SIGTERM
  // belong to serve's signal watcher, and a helper thread must never be the one they kill.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  thread_ = std::thread([this, interval, poll = std::move(poll)] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      poll();
      lock.lock();
    }
  });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

KeysetReloader::~KeysetReloader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace swapi::server
