#include "server/web/peer_user.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <charconv>
#include <cstring>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "base/ascii.h"
#include "http/url.h"

namespace swapi::server {

namespace {

// An address as 16 bytes, IPv4 as IPv4-mapped IPv6, so that both tables and both forms of
// a dual-stack peer compare alike.
using Address = std::array<unsigned char, 16>;

Address mapped(in_addr v4) {
  Address out{};
  out[10] = out[11] = 0xff;
  std::memcpy(out.data() + 12, &v4.s_addr, 4);
  return out;
}

std::optional<Address> parse_address(const std::string& text) {
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return mapped(v4);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return std::nullopt;
  Address out{};
  std::memcpy(out.data(), v6.s6_addr, 16);
  return out;
}

std::optional<std::uint32_t> hex_word(std::string_view text) {
  std::uint32_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct End {
  Address address{};
  int port = -1;
  bool operator==(const End&) const = default;
};

// "0100007F:1F90" (IPv4) or 32 hex digits and a port (IPv6): the kernel prints each 32-bit
// word of the address as the number it is in memory (so in the host's byte order), and the
// port as a number.
std::optional<End> parse_end(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view address = text.substr(0, colon);
  auto port = hex_word(text.substr(colon + 1));
  if (!port || *port > 65535) return std::nullopt;
  End end;
  end.port = static_cast<int>(*port);
  if (address.size() == 8) {
    auto word = hex_word(address);
    if (!word) return std::nullopt;
    in_addr v4{};
    v4.s_addr = *word;
    end.address = mapped(v4);
  } else if (address.size() == 32) {
    for (std::size_t i = 0; i < 4; ++i) {
      auto word = hex_word(address.substr(i * 8, 8));
      if (!word) return std::nullopt;
      std::memcpy(end.address.data() + i * 4, &*word, 4);
    }
  } else {
    return std::nullopt;
  }
  return end;
}

std::string read_all(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<uid_t> peer_uid_in_table(std::string_view table, const TcpEnds& ends) {
  if (!http::is_loopback_address(ends.peer_addr)) return std::nullopt;
  auto peer_address = parse_address(ends.peer_addr);
  auto local_address = parse_address(ends.local_addr);
  if (!peer_address || !local_address) return std::nullopt;
  const End peer{*peer_address, ends.peer_port};
  const End ours{*local_address, ends.local_port};
  while (!table.empty()) {
    std::size_t newline = std::min(table.find('\n'), table.size());
    std::string_view line = table.substr(0, newline);
    table.remove_prefix(std::min(newline + 1, table.size()));
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
    std::string_view fields[8];
    std::size_t count = 0;
    for (line = base::trim(line); !line.empty() && count < 8; line = base::trim(line)) {
      std::size_t space = std::min(line.find(' '), line.size());
      fields[count++] = line.substr(0, space);
      line.remove_prefix(space);
    }
    if (count < 8) continue;
    auto local = parse_end(fields[1]);
    auto remote = parse_end(fields[2]);
    if (!local || !remote || *local != peer || *remote != ours) continue;  // the header, or another socket
    uid_t uid = 0;
    auto [end, error] = std::from_chars(fields[7].data(), fields[7].data() + fields[7].size(), uid);
    if (error == std::errc() && end == fields[7].data() + fields[7].size()) return uid;
  }
  return std::nullopt;
}

std::optional<uid_t> loopback_peer_uid(const TcpEnds& ends) {
  for (const char* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    if (auto uid = peer_uid_in_table(read_all(path), ends)) return uid;
  }
  return std::nullopt;
}

}  // namespace swapi::server
