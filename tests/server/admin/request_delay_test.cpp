// WorkerSleepDelay (server/admin/request_delay.h): a bounded number of waits, ended early by
// release_all (fault clear) and for good by close (the server stopping).
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "server/admin/request_delay.h"

using namespace swapi::server;
using namespace std::chrono_literals;
using Held = RequestDelay::Held;

namespace {
void wait_until_holding(const RequestDelay& delay, std::size_t count) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (delay.holding() != count && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  REQUIRE(delay.holding() == count);
}
}  // namespace

TEST_CASE("request delay: a short wait passes whole") {
  WorkerSleepDelay delay(2);
  CHECK(delay.hold(1ms) == Held::waited);
  CHECK(delay.holding() == 0);
}

TEST_CASE("request delay: at most max_holding wait; release_all ends them; close ends them for good") {
  WorkerSleepDelay delay(2);
  Held first = Held::waited, second = Held::waited;
  std::thread a([&] { first = delay.hold(10min); });
  std::thread b([&] { second = delay.hold(10min); });
  wait_until_holding(delay, 2);
  CHECK(delay.hold(10min) == Held::refused);  // a third would tie up one worker too many
  delay.release_all();
  a.join();
  b.join();
  CHECK(first == Held::released);
  CHECK(second == Held::released);

  Held third = Held::waited;
  std::thread c([&] { third = delay.hold(10min); });
  wait_until_holding(delay, 1);
  delay.close();
  c.join();
  CHECK(third == Held::released);
  CHECK(delay.hold(10min) == Held::released);  // no new wait once closed
}

TEST_CASE("request delay: release(id) ends the waits of that fault's requests only") {
  WorkerSleepDelay delay(3);
  const std::uint64_t by_one[] = {1}, by_one_and_two[] = {1, 2}, by_three[] = {3};
  Held first = Held::waited, second = Held::waited, third = Held::waited;
  std::thread a([&] { first = delay.hold(10min, by_one); });
  std::thread b([&] { second = delay.hold(10min, by_one_and_two); });
  std::thread c([&] { third = delay.hold(10min, by_three); });
  wait_until_holding(delay, 3);
  delay.release(1);
  a.join();
  b.join();
  CHECK(first == Held::released);
  CHECK(second == Held::released);
  CHECK(delay.holding() == 1);  // fault #3's request still waits
  delay.release(2);             // no one waits on #2 any more: nothing happens
  CHECK(delay.holding() == 1);
  delay.release_all();
  c.join();
  CHECK(third == Held::released);
}
