#pragma once
// The explorer's files (server/web/explorer/*.html|css|js), compiled into the binary by
// cmake/embed_files.cmake at build time.
#include <span>
#include <string_view>

namespace swapi::server {

struct ExplorerAsset {
  std::string_view name;          // "index.html", "explorer.css", "explorer.js"
  std::string_view content_type;  // with charset
  std::string_view body;
  std::string_view etag;          // a quoted SHA-256 prefix of the body, made at build time
};

std::span<const ExplorerAsset> explorer_assets();

}  // namespace swapi::server
