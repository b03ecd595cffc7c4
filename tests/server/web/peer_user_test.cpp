// Who holds the other end of a loopback connection (server/web/peer_user.h): the kernel's
// socket tables as Linux prints them, and a real connection made here on 127.0.0.1 and ::1.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "server/web/peer_user.h"

using swapi::server::loopback_peer_uid;
using swapi::server::peer_uid_in_table;
using swapi::server::TcpEnds;

namespace {

// One /proc/net/tcp line as the kernel writes it: each address word as it is in memory.
std::string line(const char* local, int local_port, const char* remote, int remote_port, int uid) {
  auto word = [](const char* address) {
    in_addr v4{};
    inet_pton(AF_INET, address, &v4);
    char text[16];
    std::snprintf(text, sizeof text, "%08X", v4.s_addr);
    return std::string(text);
  };
  char text[256];
  std::snprintf(text, sizeof text, "   1: %s:%04X %s:%04X 01 00000000:00000000 00:00000000 00000000 %5d        0 4242 1\n",
                word(local).c_str(), local_port, word(remote).c_str(), remote_port, uid);
  return text;
}

const std::string kHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

// A socket pair over the loopback address of `family`: the accepted end and the client end.
struct Pair {
  int listener = -1, client = -1, accepted = -1;
  ~Pair() {
    for (int fd : {listener, client, accepted})
      if (fd >= 0) ::close(fd);
  }
};

TcpEnds connect_over(int family, Pair& pair) {
  sockaddr_storage address{};
  socklen_t size = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  if (family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    v4->sin_family = AF_INET;
    v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    v6->sin6_family = AF_INET6;
    v6->sin6_addr = in6addr_loopback;
  }
  pair.listener = ::socket(family, SOCK_STREAM, 0);
  REQUIRE(::bind(pair.listener, reinterpret_cast<sockaddr*>(&address), size) == 0);
  REQUIRE(::listen(pair.listener, 1) == 0);
  REQUIRE(::getsockname(pair.listener, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  pair.client = ::socket(family, SOCK_STREAM, 0);
  REQUIRE(::connect(pair.client, reinterpret_cast<sockaddr*>(&address), size) == 0);
  pair.accepted = ::accept(pair.listener, nullptr, nullptr);
  REQUIRE(pair.accepted >= 0);
  // The ends as the server's accepted socket sees them, as cpp-httplib reports them.
  auto ends_of = [&](auto getname) {
    sockaddr_storage end{};
    socklen_t length = sizeof end;
    getname(pair.accepted, reinterpret_cast<sockaddr*>(&end), &length);
    char text[INET6_ADDRSTRLEN] = {};
    int port = 0;
    if (end.ss_family == AF_INET) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&end);
      inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
      port = ntohs(v4->sin_port);
    } else {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&end);
      inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
      port = ntohs(v6->sin6_port);
    }
    return std::pair{std::string(text), port};
  };
  auto [peer, peer_port] = ends_of(::getpeername);
  auto [local, local_port] = ends_of(::getsockname);
  return {peer, peer_port, local, local_port};
}

}  // namespace

TEST_CASE("peer user: the line whose local end is the peer and remote end is ours names its owner") {
  std::string table = kHeader + line("127.0.0.1", 8080, "0.0.0.0", 0, 0) +      // our listener
                      line("127.0.0.1", 8080, "127.0.0.1", 40000, 0) +          // our accepted end
                      line("127.0.0.1", 40000, "127.0.0.1", 8080, 1001);        // the client's end
  CHECK(peer_uid_in_table(table, {"127.0.0.1", 40000, "127.0.0.1", 8080}) == 1001u);
  // A dual-stack server sees an IPv4 peer as ::ffff:127.0.0.1; the client's socket is IPv4.
  CHECK(peer_uid_in_table(table, {"::ffff:127.0.0.1", 40000, "::ffff:127.0.0.1", 8080}) == 1001u);
  CHECK_FALSE(peer_uid_in_table(table, {"127.0.0.1", 40001, "127.0.0.1", 8080}));
  CHECK_FALSE(peer_uid_in_table(table, {"192.0.2.1", 40000, "127.0.0.1", 8080}));  // never a LAN peer
}

TEST_CASE("peer user: a client bound to our port number on another loopback address is told apart") {
  // 127.0.0.2:8080 -> 127.0.0.1:8080: our accepted end has the same two port numbers, reversed.
  std::string table = kHeader + line("127.0.0.1", 8080, "127.0.0.2", 8080, 0) +
                      line("127.0.0.2", 8080, "127.0.0.1", 8080, 1001);
  CHECK(peer_uid_in_table(table, {"127.0.0.2", 8080, "127.0.0.1", 8080}) == 1001u);
}

TEST_CASE("peer user: a real loopback connection over IPv4 and IPv6 is this process's user") {
  for (int family : {AF_INET, AF_INET6}) {
    CAPTURE(family);
    Pair pair;
    TcpEnds ends = connect_over(family, pair);
    CHECK(loopback_peer_uid(ends) == ::geteuid());
  }
}
