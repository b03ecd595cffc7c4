#pragma once
// DESIGN.md "Keys": a running `swapi serve` picks up a keyset that `swapi keys` changed,
// without a restart. One thread polls the keyset file's identity (a stat) every interval and,
// when it changed, runs the reload; nothing is added to the request path.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace swapi::server {

// 250 ms: a `swapi keys rotate` is live well within a second; a stat four times a second
// costs nothing.
inline constexpr std::chrono::milliseconds kKeysetPollInterval{250};

class KeysetReloader {
 public:
  // Calls poll every interval on its own thread until destroyed. poll must not throw.
  KeysetReloader(std::chrono::milliseconds interval, std::function<void()> poll);
  ~KeysetReloader();  // wakes the thread and joins it
  KeysetReloader(const KeysetReloader&) = delete;
  KeysetReloader& operator=(const KeysetReloader&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace swapi::server
