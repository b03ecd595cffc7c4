#pragma once
// The swapi state dir (DESIGN.md "Issuer and keys"): where the keyset, the OAuth clients and
// the issuer/audience the last `swapi serve` used live. Private keys are kept as ssh keeps
// them: the dir is created 0700, every file we write is 0600 from the moment it exists, and
// a file others can read is refused rather than used.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swapi::server {

// explicit_dir, else $SWAPI_HOME, else $XDG_STATE_HOME/swapi, else $HOME/.local/state/swapi.
// Empty arguments count as unset. Throws base::Diagnostic when all are empty.
std::string resolve_state_dir(std::string_view explicit_dir, std::string_view swapi_home,
                              std::string_view xdg_state_home, std::string_view home);

// Creates the dir (and missing parents) with mode 0700. An existing dir is left as it is.
// Throws base::Diagnostic naming the dir when it cannot be created or is not a directory.
void ensure_state_dir(const std::string& dir);

// An exclusive flock on <dir>/.lock for as long as the object lives: every read-modify-write
// of a state file happens under it, so concurrent first runs (two `swapi serve`, a server and
// `swapi keys gen`) never both create a keyset. flock locks belong to the open file
// description, so two threads of one process exclude each other too.
class StateDirLock {
 public:
  explicit StateDirLock(const std::string& dir);  // blocks; throws base::Diagnostic
  ~StateDirLock();
  StateDirLock(const StateDirLock&) = delete;
  StateDirLock& operator=(const StateDirLock&) = delete;

 private:
  int fd_ = -1;
};

// The content of a file holding secrets, or nullopt when it does not exist. Throws
// base::Diagnostic("<what> <path>", ...) when it cannot be read, and when its mode lets the group
// or others read or write it (with the hint "chmod 600 <path>", as ssh does for keys).
std::optional<std::string> read_private_file(const std::string& path, std::string_view what);

// Where a state-dir write reports what does not stop it: a file that is in place but whose
// directory could not be flushed. Serve passes its log, the CLI its stderr; an empty sink
// drops the report (tests).
using WarningSink = std::function<void(const std::string&)>;

// Replaces path atomically and durably with content, mode 0600 from the moment it exists
// (base::replace_file_atomically; the caller holds the StateDirLock). Throws
// base::Diagnostic("<what> <path>", why) when path is unchanged. Past the rename the write has
// happened, so a directory that cannot be flushed is reported on `warn`, not thrown ("<what>
// <path> was written, but it may not survive a power cut: cannot flush directory D: why").
void write_private_file(const std::string& path, std::string_view content, std::string_view what,
                        const WarningSink& warn = {});

// What the last `swapi serve` on a state dir used, so `token mint`, `call --scope` and
// `check` agree with it without flags. Stored in <dir>/serve.json:
//   {"issuer": "...", "audiences": [...], "local_issuer": true}
//   {"issuer": "...", "audiences": [...], "local_issuer": false, "jwks_uri": "https://..."}
//   {"issuer": "...", "audiences": [...], "local_issuer": false, "jwks_file": "/abs/keys.json"}
// With another key source the local issuer is off: a token signed with the local keyset is
// not one that server trusts, so the CLI must not mint one as if it were.
struct RecordedDefaults {
  std::string issuer;
  std::vector<std::string> audiences;
  std::string jwks_uri{};   // --jwks-uri, or empty
  std::string jwks_file{};  // --jwks-file (absolute), or empty
  bool local_issuer() const { return jwks_uri.empty() && jwks_file.empty(); }
};
void record_defaults(const std::string& dir, const RecordedDefaults& defaults, const WarningSink& warn = {});
// nullopt when nothing was recorded or the file is unreadable or malformed (defaults are a
// convenience: a broken record must not stop the CLI). A record without "local_issuer" (an
// older swapi) reads as the local issuer.
std::optional<RecordedDefaults> read_recorded_defaults(const std::string& dir);

// File names inside the state dir.
inline constexpr std::string_view kKeysetFile = "keys.json";
inline constexpr std::string_view kClientsFile = "clients.json";
inline constexpr std::string_view kDefaultsFile = "serve.json";
std::string state_file(const std::string& dir, std::string_view name);

}  // namespace swapi::server
