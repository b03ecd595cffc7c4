#include "cli/exit_codes.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "base/diagnostic.h"
#include "jose/error.h"
#include "testkit/input_error.h"

namespace swapi::cli {

UsageError::UsageError(std::string what, std::string reason, std::string hint_text)
    : what_failed(std::move(what)), why(std::move(reason)), hint(std::move(hint_text)) {}

namespace {
int print(std::ostream& err, std::string_view what, std::string_view why, std::string_view hint,
          int code) {
  err << "swapi: " << what << ": " << why << "\n";
  if (!hint.empty()) err << "  hint: " << hint << "\n";
  return code;
}
}  // namespace

int report_current_exception(std::ostream& err) {
  try {
    throw;
  } catch (const UsageError& e) {
    return print(err, e.what_failed, e.why, e.hint, kUsage);
  } catch (const testkit::InputError& e) {  // what the user asked for makes no sense: usage
    return print(err, e.what_failed, e.why, e.hint, kUsage);
  } catch (const base::Diagnostic& e) {
    return print(err, e.what_failed, e.why, e.hint, kRuntime);
  } catch (const jose::Error& e) {
    int code = e.code() == jose::Errc::invalid_key || e.code() == jose::Errc::crypto_error
                   ? kRuntime : kCheckFailed;
    return print(err, jose::code_name(e.code()), e.detail(), {}, code);
  } catch (const std::exception& e) {
    return print(err, "error", e.what(), {}, kRuntime);
  }
}

}  // namespace swapi::cli
