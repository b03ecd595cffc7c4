#pragma once
// Text for the copy-paste commands swapi prints (serve's banner): quoted for a POSIX shell so
// that a path or name with spaces, '$' or quotes pastes as it is.
#include <string>
#include <string_view>

namespace swapi::base {

// 'text' for a POSIX shell: no expansion inside; a ' closes, is escaped and reopens.
std::string shell_quote(std::string_view text);

// Whether `name` can be written as ${name} (a shell variable name: [A-Za-z_][A-Za-z0-9_]*).
bool is_shell_name(std::string_view name);

}  // namespace swapi::base
