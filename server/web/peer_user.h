#pragma once
// Which user on this machine holds the other end of a loopback TCP connection (Linux: the
// kernel's socket tables, /proc/net/tcp and /proc/net/tcp6, list every socket with its owner).
//
// Why: a loopback peer is "this machine", not "this user". On a shared machine (a CI runner,
// a team's dev box) another account's browser or curl reaches 127.0.0.1 too, and the state
// dir's files are mode 0600 precisely so that it cannot read the default client's secret;
// the explorer must not hand that secret over either (web/explorer.h).
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace swapi::server {

// One connection as this server sees it; addresses as getpeername/getsockname give them
// ("127.0.0.1", "::1", "::ffff:127.0.0.1").
struct TcpEnds {
  std::string peer_addr;
  int peer_port = -1;
  std::string local_addr;  // this server's end
  int local_port = -1;
};

// The uid owning the peer's socket: the line of `table` (the text of /proc/net/tcp or
// /proc/net/tcp6) whose local end is the peer's address and port and whose remote end is
// ours (an IPv4 address and its IPv4-mapped IPv6 form are the same). Only loopback peers:
// nullopt for any other, and when no line fits.
std::optional<uid_t> peer_uid_in_table(std::string_view table, const TcpEnds& ends);

// peer_uid_in_table over this machine's IPv4 and IPv6 tables; nullopt when neither holds
// the peer (not loopback, already gone, or no /proc).
std::optional<uid_t> loopback_peer_uid(const TcpEnds& ends);

}  // namespace swapi::server
