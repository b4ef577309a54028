#include "negsim/detail/cli_common.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <csignal>
#include <filesystem>

#include "negsim/mechanisms/standard.hpp"
#include "negsim/outputs.hpp"
#include "negsim/version.hpp"

namespace negsim::cli {

/// Parses a command's arguments; throws UsageError with Boost's message.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const po::positional_options_description& positional) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

/// --help and the scenario FILE, which every scenario command takes.
void add_help_and_file(po::options_description& desc) {
  desc.add_options()("help,h", "show this help")(
      "file", po::value<std::string>()->value_name("FILE"), "the scenario file (YAML)");
}

/// A --format option restricted to `allowed` (the first is the default).
void add_format_option(po::options_description& desc, std::string& format,
                       std::vector<std::string> allowed, const char* meaning) {
  const std::string expected = detail::join_alternatives(allowed);
  desc.add_options()("format,f",
                     po::value<std::string>(&format)
                         ->default_value(allowed.front())
                         ->value_name("FORMAT")
                         ->notifier([allowed, expected](const std::string& f) {
                           if (std::find(allowed.begin(), allowed.end(), f) == allowed.end()) {
                             throw UsageError("--format: unknown format \"" + f + "\" (expected " +
                                              expected + ")");
                           }
                         }),
                     meaning);
}

/// Parses a scenario command's arguments, FILE being the first positional.
po::variables_map parse_scenario_command(const std::vector<std::string>& args,
                                         const po::options_description& desc) {
  po::positional_options_description positional;
  positional.add("file", 1);
  return parse(args, desc, positional);
}

/// A whole number from the command line, in digits or in scientific notation
/// ("100000", "1e5", "2.5e6"): "abc", "-1" or "1.5" are errors, never
/// silently 0, a truncation or a wrapped-around value.
std::uint64_t parse_count(const std::string& option, const std::string& text) {
  std::uint64_t x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if ((ec != std::errc() || end != text.data() + text.size()) &&
      text.find_first_of("eE") != std::string::npos) {
    double d = 0;
    const auto [dend, dec] = std::from_chars(text.data(), text.data() + text.size(), d);
    // Exactly representable whole numbers only (up to 2^53).
    if (dec == std::errc() && dend == text.data() + text.size() && d >= 0 && d <= 0x1p53 &&
        std::floor(d) == d) {
      return static_cast<std::uint64_t>(d);
    }
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw UsageError("--" + option + ": not a whole number in [0, 18446744073709551615] (got \"" +
                     text + "\")");
  }
  return x;
}

/// The --set and --max-file-mb options of every command that reads a scenario.
void add_set_option(po::options_description& desc) {
  desc.add_options()("set,s",
                     po::value<std::vector<std::string>>()->value_name("PATH=VALUE")->composing(),
                     "override a field before validation, e.g. --set agents.us.trust=0.4 or "
                     "--set 'agents.us.trust={uniform: [0.2, 0.4]}'; repeatable")(
      "max-file-mb", po::value<std::string>()->value_name("MB")->default_value("16"),
      "refuse scenario files larger than this (a guard against reading a wrong, huge file)");
}

/// The --set overrides, parsed.
std::vector<Override> overrides_of(const po::variables_map& vm) {
  std::vector<Override> overrides;
  if (vm.count("set")) {
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) {
      overrides.push_back(parse_override(s));
    }
  }
  return overrides;
}

/// Prints every problem of a file that did not load, then their count.
void print_problems(std::ostream& err, const ScenarioError& e, const std::string& file) {
  for (const auto& d : e.diagnostics()) err << d.str() << "\n";
  const auto n = e.diagnostics().size();
  err << "negsim: " << n << (n == 1 ? " problem" : " problems") << " in " << file << "\n";
}

/// Loads the scenario named on the command line with its overrides; on a
/// ScenarioError prints every problem and returns nullopt.
std::optional<Loaded> load_for_command(const po::variables_map& vm, const std::string& file,
                                       std::ostream& err) {
  LoadOptions options;
  options.overrides = overrides_of(vm);
  if (vm.count("max-file-mb")) {
    const std::uint64_t mb = parse_count("max-file-mb", vm["max-file-mb"].as<std::string>());
    if (mb == 0 || mb > 4096) {
      throw UsageError("--max-file-mb: between 1 and 4096 (got " + std::to_string(mb) + ")");
    }
    options.limits.max_file_bytes = mb << 20;
  }
  try {
    Loaded loaded{read_scenario_source(file, options.limits, model::standard_extensions()), {}};
    loaded.scenario = load_scenario(loaded.source, options.overrides);
    return loaded;
  } catch (const ScenarioError& e) {
    print_problems(err, e, file);
    return std::nullopt;
  }
}

// "I/N" with 0 <= I < N.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) {
    throw UsageError("--shard: expected I/N, e.g. 0/4 (got \"" + text + "\")");
  }
  const std::uint64_t i = parse_count("shard", text.substr(0, slash));
  const std::uint64_t n = parse_count("shard", text.substr(slash + 1));
  if (n == 0 || i >= n) {
    throw UsageError("--shard: expected 0 <= I < N (got \"" + text + "\")");
  }
  return {i, n};
}

/// The shard from a SLURM job array, when --shard is not given.
std::optional<std::pair<std::uint64_t, std::uint64_t>> slurm_shard() {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return std::nullopt;
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  const std::uint64_t first = min ? parse_count("SLURM_ARRAY_TASK_MIN", min) : 0;
  const std::uint64_t i = parse_count("SLURM_ARRAY_TASK_ID", id);
  const std::uint64_t n = parse_count("SLURM_ARRAY_TASK_COUNT", count);
  if (i < first || n == 0 || i - first >= n) {
    throw UsageError("SLURM_ARRAY_TASK_ID " + std::string(id) + " is outside the array of " +
                     std::string(count) + " tasks");
  }
  return std::make_pair(i - first, n);
}

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

std::string default_scenario() {
  for (const char* path : kDefaultScenarioPaths) {
    if (std::filesystem::is_regular_file(path)) return path;
  }
  throw UsageError("no scenario named and the default scenario is not installed; name a FILE");
}

/// --runs, --precision, --max-runs, --seed and --threads, as `run` (runs of
/// the scenario) and `sweep` (runs of each point) take them.
void add_run_count_options(po::options_description& desc, bool per_point) {
  desc.add_options()  //
      ("runs,n", po::value<std::string>()->value_name("N"),
       per_point ? "runs per point (default 10000)" : "number of runs (default 10000)")  //
      ("precision,p", po::value<double>()->value_name("P"),
       per_point ? "instead of --runs: runs per point until every outcome's half-width is at most P"
                 : "instead of --runs: run batches of 10000 until every outcome's 95% interval "
                   "half-width is at most P (e.g. 0.005)")  //
      ("max-runs", po::value<std::string>()->value_name("M"),
       per_point ? "with --precision: at most M runs per point (default 10000000)"
                 : "with --precision: stop at M runs even if P is not reached (default "
                   "10000000)")  //
      ("seed", po::value<std::string>()->value_name("S"),
       "random seed (default: the scenario's seed)")  //
      ("threads,t", po::value<std::string>()->value_name("T"),
       "worker threads (default: all cores)");
}

/// --seed, or the scenario's own seed.
std::uint64_t seed_of(const po::variables_map& vm, const Scenario& scenario) {
  return vm.count("seed") ? parse_count("seed", vm["seed"].as<std::string>()) : scenario.seed;
}

int read_threads(const po::variables_map& vm, int fallback) {
  if (!vm.count("threads")) return fallback;
  const std::uint64_t t = parse_count("threads", vm["threads"].as<std::string>());
  if (t == 0 || t > 1024) {
    throw UsageError("--threads: between 1 and 1024 (got " + std::to_string(t) + ")");
  }
  return static_cast<int>(t);
}

bool prepare_output_dir(const std::string& dir, std::ostream& err, const std::string& prefix) {
  namespace fs = std::filesystem;
  const fs::path probe = fs::path(dir) / ".negsim-write-test";
  try {
    fs::create_directories(dir);
    write_atomically(probe.string(), "");
    fs::remove(probe);
  } catch (const std::exception& e) {
    err << prefix << "output directory " << dir << " is not writable: " << e.what() << "\n";
    return false;
  }
  return true;
}

}  // namespace negsim::cli
