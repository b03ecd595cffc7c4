// `swapi stats [--json] [--reset]` (DESIGN.md "Scenario control"): the counters of a running
// `swapi serve --admin`, since it started or since the last reset.
#include <CLI/CLI.hpp>
#include <iomanip>
#include <ostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace swapi::cli {

namespace {

struct StatsOptions {
  std::string base, keys_dir;
  bool json = false;
  bool reset = false;
};

void print_counts(std::ostream& out, const char* title, const nlohmann::json& counts) {
  out << title << (counts.empty() ? " none\n" : "\n");
  std::size_t width = 0;
  for (const auto& [name, count] : counts.items()) width = std::max(width, name.size());
  for (const auto& [name, count] : counts.items())
    out << "  " << std::left << std::setw(static_cast<int>(width)) << name << "  " << count.get<std::uint64_t>() << "\n";
}

void print_stats(std::ostream& out, const nlohmann::json& stats, bool reset) {
  out << (reset ? "counted since " : "since ") << stats.value("since", "?") << (reset ? ", now reset\n" : "\n");
  for (auto [label, key] : {std::pair{"jwks fetches", "jwks_fetches"}, std::pair{"discovery requests", "discovery_requests"},
                            std::pair{"token requests", "token_requests"}, std::pair{"requests", "requests"}})
    out << "  " << std::left << std::setw(20) << label << stats.value(key, 0) << "\n";
  print_counts(out, "routes:", stats.value("routes", nlohmann::json::object()));
  print_counts(out, "auth:", stats.value("auth", nlohmann::json::object()));
  print_counts(out, "statuses:", stats.value("statuses", nlohmann::json::object()));
}

}  // namespace

Action setup_stats(CLI::App& app, Context& context) {
  auto o = std::make_shared<StatsOptions>();
  auto* cmd = app.add_subcommand("stats", "Counters of a running swapi serve --admin: JWKS fetches, token requests, "
                                          "requests per route and per auth outcome");
  cmd->add_flag("--json", o->json, "Print the counters as one JSON object");
  cmd->add_flag("--reset", o->reset, "Print the counters, then start them again from zero (in one step)");
  cmd->add_option("--base", o->base, "The swapi serve --admin to ask (default $SWAPI_URL, else http://127.0.0.1:8080)")
      ->type_name("URL");
  add_state_dir_option(*cmd, o->keys_dir);
  return [o, &context]() -> int {
    auto target = admin_target(context, o->base, o->keys_dir);
    auto stats = testkit::admin_request(target, o->reset ? "DELETE" : "GET", "stats", std::nullopt, "stats");
    if (o->json) {
      *context.out << stats.dump(2) << "\n";
    } else {
      print_stats(*context.out, stats, o->reset);
    }
    return kSuccess;
  };
}

}  // namespace swapi::cli
