#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>

#include "negsim/detail/cli_common.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/engine.hpp"
#include "negsim/model.hpp"
#include "negsim/report.hpp"
#include "negsim/scenario_yaml.hpp"
#include "negsim/sweep.hpp"
#include "negsim/sweep_store.hpp"
#include "negsim/version.hpp"

#ifdef NEGSIM_WITH_MPI
#include <mpi.h>
#endif

namespace negsim::cli {
namespace {

std::string store_name(std::uint64_t shard, std::uint64_t shards) {
  if (shards == 1) return "sweep.sqlite";
  return "shard-" + std::to_string(shard) + "-of-" + std::to_string(shards) + ".sqlite";
}

/// points.csv and sensitivity.csv of a complete sweep, and the indices on the terminal.
void write_sweep_outputs(const std::filesystem::path& dir, const Design& design,
                         const std::vector<PointRecord>& records, std::ostream& out, bool quiet) {
  write_atomically((dir / "points.csv").string(), points_csv(design.paths, records));
  const SensitivityTables tables = sensitivity(design, records);
  if (!tables.csv.empty()) write_atomically((dir / "sensitivity.csv").string(), tables.csv);
  if (!quiet) {
    if (!tables.text.empty()) out << "\n" << tables.text;
    out << "\nwrote " << (dir / "points.csv").string()
        << (tables.csv.empty() ? "" : ", " + (dir / "sensitivity.csv").string()) << "\n";
  }
}

/// Where an MPI launch puts this process: its rank among `size`.
struct MpiPlace {
  int rank = 0, size = 1;
};

/// Runs one shard of a sweep. Under MPI (`mpi` set) the shard is the rank,
/// and `dir` receives the output directory for the merge that follows.
int sweep_shard(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                const MpiPlace* mpi, std::filesystem::path* dir_out) {
  po::options_description desc(
      "Usage: negsim sweep FILE --design SPEC [--runs N | --precision P [--max-runs M]]\n"
      "                    [--seed S] [--threads T] [--out DIR] [--shard I/N] [--set ...]\n"
      "                    [--dry-run] [--quiet]\n\n"
      "Runs the scenario at every point of the design SPEC (a YAML file: docs/SWEEPS.md)\n"
      "and stores each point's outcome probabilities in DIR/sweep.sqlite as soon as it\n"
      "finishes: run the same command again after an interruption and it resumes.\n"
      "With --shard I/N (default: SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT) it runs\n"
      "every N-th point into DIR/shard-I-of-N.sqlite; `negsim merge DIR` combines them.\n"
      "Point p's runs are keyed (seed, p, run): its numbers do not depend on the shard\n"
      "or the thread count. A complete sweep writes DIR/points.csv and, for oat, sobol\n"
      "and morris designs, DIR/sensitivity.csv.\n\nOptions");
  add_help_and_file(desc);
  desc.add_options()("design,d", po::value<std::string>()->value_name("SPEC"),
                     "the design: a YAML file, or the YAML inline, e.g. --design '{design: lhs, "
                     "points: 64, parameters: {agents.us.trust: {range: [0.1, 0.9]}}}'");
  add_run_count_options(desc, true);
  desc.add_options()  //
      ("out,o", po::value<std::string>()->value_name("DIR")->default_value("negsim-sweep"),
       "output directory")                                                                        //
      ("shard", po::value<std::string>()->value_name("I/N"), "run shard I of N (0 <= I < N)")     //
      ("dry-run", "print the points, runs and shards, and an estimate of the time; run nothing")  //
      ("quiet,q", "no progress and no indices on the terminal");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  if (!vm.count("design")) throw UsageError("missing --design SPEC");
  SweepOptions options;
  options.scenario_file = vm["file"].as<std::string>();
  read_run_counts(vm, options);
  if (mpi) {
    if (vm.count("shard")) throw UsageError("--shard: not under mpirun (each rank runs one shard)");
    options.shard = static_cast<std::uint64_t>(mpi->rank);
    options.shards = static_cast<std::uint64_t>(mpi->size);
  } else if (vm.count("shard")) {
    std::tie(options.shard, options.shards) = parse_shard(vm["shard"].as<std::string>());
  } else if (auto slurm = slurm_shard()) {
    std::tie(options.shard, options.shards) = *slurm;
  }
  options.overrides = overrides_of(vm);
  // Under MPI only rank 0 talks; the others report errors only.
  const bool quiet = vm.count("quiet") > 0 || (mpi && mpi->rank != 0);

  // The design, then the base scenario, then every point: all checked first.
  // --design names a file, or gives the design inline as a YAML mapping.
  const std::string design_arg = vm["design"].as<std::string>();
  const bool inline_design = !design_arg.empty() && design_arg.front() == '{';
  const std::string design_file = inline_design ? "--design" : design_arg;
  std::string design_text;
  DesignSpec spec;
  try {
    if (inline_design) {
      design_text = design_arg;
      spec = load_design_text(design_text, design_file);
    } else {
      design_text = detail::read_text_file(design_file);  // once: parsed and kept in the manifest
      spec = load_design_text(design_text, design_file,
                              std::filesystem::path(design_file).parent_path().string());
    }
  } catch (const ScenarioError& e) {
    print_problems(err, e, design_file);
    return kInvalidInput;
  }
  for (const auto& w : spec.warnings)
    err << "negsim sweep: warning: " << design_file << ": " << w << "\n";
  const auto loaded_base = load_for_command(vm, options.scenario_file, err);
  if (!loaded_base) return kInvalidInput;
  const Scenario* base = &loaded_base->scenario;
  options.seed = seed_of(vm, *base);
  options.source = loaded_base->source;
  const Design design = generate(spec);
  const std::vector<std::size_t> mine = shard_points(design, options);
  const std::uint64_t per_point = options.precision ? options.max_runs : options.runs;

  try {
    check_points(options, design, mine);
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) err << d.str() << "\n";
    err << "negsim sweep: design points give invalid scenarios; nothing was run\n";
    return kInvalidInput;
  }
  if (vm.count("dry-run")) {
    // Time a few hundred runs of the base scenario for the estimate.
    EngineOptions probe;
    probe.seed = options.seed;
    probe.runs = 4000;
    probe.threads = options.threads;
    const auto t0 = std::chrono::steady_clock::now();
    const EngineResult r = simulate(model::Negotiation(*base), probe);
    const double per_run =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 4000.0;
    const double total =
        static_cast<double>(mine.size()) * static_cast<double>(per_point) * per_run;
    out << "design: " << to_string(spec.kind) << ", " << design.paths.size() << " parameters, "
        << design.points.size() << " points\n"
        << "shard " << options.shard << "/" << options.shards << ": " << mine.size() << " points x "
        << (options.precision ? "at most " : "") << per_point
        << " runs = " << static_cast<double>(mine.size()) * static_cast<double>(per_point)
        << " runs\n"
        << "estimate: " << detail::format_number(std::round(total)) << " s on " << r.threads
        << " threads (" << detail::format_number(std::round(1.0 / per_run))
        << " runs/s on the base scenario)\n";
    return kOk;
  }

  namespace fs = std::filesystem;
  const fs::path dir = vm["out"].as<std::string>();
  if (dir_out) *dir_out = dir;
  Manifest manifest =
      sweep_manifest(*base, options.scenario_file, design_text, options, design.points.size());
  nlohmann::json paths = design.paths;
  manifest["parameters"] = paths.dump();
  std::unique_ptr<SweepStore> store;
  try {
    fs::create_directories(dir);
    store = std::make_unique<SweepStore>((dir / store_name(options.shard, options.shards)).string(),
                                         manifest);
  } catch (const std::exception& e) {
    err << "negsim sweep: " << e.what() << "\n";
    return kInvalidInput;
  }
  const std::set<std::uint64_t> done = store->done();
  std::size_t remaining = 0;
  for (std::size_t p : mine) remaining += done.count(p) == 0;
  if (!quiet && !done.empty()) {
    err << "negsim sweep: resuming: " << mine.size() - remaining << " of " << mine.size()
        << " points already done\n";
  }

  ProgressReport bar(err, quiet, ::isatty(STDERR_FILENO) == 1, "points");
  InterruptGuard guard;
  options.cancel = &g_interrupted;
  std::uint64_t finished = 0;
  bool complete = false;
  try {
    complete =
        run_sweep(options, design, mine, done,
                  [&](std::size_t p, const model::Negotiation& negotiation, const Tally& tally) {
                    store->put(point_record(negotiation, p, design.points[p], tally));
                    bar.update(++finished, remaining, false);
                  });
  } catch (const std::exception& e) {
    bar.finish();
    err << "negsim sweep: " << e.what() << "\n";
    return kInvalidInput;
  }
  bar.finish();
  if (!complete) {
    err << "negsim sweep: interrupted; " << store->done().size()
        << " points are stored; run the same command to resume\n";
    return 130;
  }
  if (mpi) return kOk;  // rank 0 merges once every rank is done
  if (options.shards > 1) {
    if (!quiet) {
      out << "shard " << options.shard << "/" << options.shards << ": " << mine.size()
          << " points in " << (dir / store_name(options.shard, options.shards)).string()
          << "; when every shard is done: negsim merge " << dir.string() << "\n";
    }
    return kOk;
  }
  if (!quiet)
    out << design.points.size() << " points in " << (dir / "sweep.sqlite").string() << "\n";
  write_sweep_outputs(dir, design, store->all(), out, quiet);
  return kOk;
}

/// Combines shard files into DIR/sweep.sqlite and, when every point is
/// there, writes the sweep's CSV outputs. Returns the exit code.
int merge_files(const std::vector<std::string>& files, const std::filesystem::path& dir, bool quiet,
                std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  std::map<std::uint64_t, PointRecord> points;
  Manifest manifest;
  try {
    for (const auto& f : files) {
      const SweepStore shard(f);
      if (manifest.empty()) {
        manifest = shard.manifest();
      } else if (shard.manifest() != manifest) {
        throw SweepError(f + ": from another sweep than " + files.front() +
                         " (different manifest)");
      }
      for (auto& r : shard.all()) {
        const auto [it, fresh] = points.emplace(r.point, r);
        if (!fresh && !(it->second == r)) {
          throw SweepError(f + ": point " + std::to_string(r.point) +
                           " differs from another shard's");
        }
      }
    }
  } catch (const SweepError& e) {
    err << "negsim merge: " << e.what() << "\n";
    return kInvalidInput;
  }
  std::vector<PointRecord> records;
  for (auto& [p, r] : points) records.push_back(std::move(r));
  const std::size_t expected = static_cast<std::size_t>(std::stoull(manifest.at("points")));
  try {
    fs::create_directories(dir);
    const fs::path target = dir / "sweep.sqlite";
    fs::remove(target);
    Manifest merged = manifest;
    merged["shards"] = "merged from " + std::to_string(files.size()) + " files";
    SweepStore store(target.string(), merged);
    for (const auto& r : records) store.put(r);
  } catch (const std::exception& e) {
    err << "negsim merge: " << e.what() << "\n";
    return kInvalidInput;
  }
  if (!quiet) {
    out << records.size() << " of " << expected << " points from " << files.size() << " files in "
        << (dir / "sweep.sqlite").string() << "\n";
  }
  if (records.size() != expected) {
    err << "negsim merge: " << expected - records.size()
        << " points are missing: run the remaining shards, then merge again\n";
    return kInvalidInput;
  }
  // The design is regenerated from the manifest for the sensitivity indices;
  // a CSV design's table may not be at hand, and its points need no indices.
  Design design;
  try {
    design = generate(load_design_text(manifest.at("design"), "design (from the manifest)"));
  } catch (const ScenarioError&) {
    design.paths = nlohmann::json::parse(manifest.at("parameters")).get<std::vector<std::string>>();
    design.spec.kind = DesignKind::csv;
  }
  write_sweep_outputs(dir, design, records, out, quiet);
  return kOk;
}

#ifdef NEGSIM_WITH_MPI
/// MPI for the life of a sweep, when negsim was launched by mpirun.
class MpiSession {
 public:
  MpiSession() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
      MPI_Init(nullptr, nullptr);
      owner_ = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &place_.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &place_.size);
  }
  ~MpiSession() {
    if (owner_) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  const MpiPlace& place() const { return place_; }
  /// The largest of every rank's value.
  int max(int value) const {
    int out = value;
    MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return out;
  }

 private:
  MpiPlace place_;
  bool owner_ = false;
};
#endif

}  // namespace

int command_sweep(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
#ifdef NEGSIM_WITH_MPI
  MpiSession mpi;
  if (mpi.place().size > 1) {
    // Every rank must reach the reduction, whatever happened to it.
    std::filesystem::path dir;
    int code = kInternalError;
    try {
      code = sweep_shard(args, out, err, &mpi.place(), &dir);
    } catch (const UsageError& e) {
      if (mpi.place().rank == 0) err << "negsim sweep: " << e.what() << "\n";
      code = kUsage;
    } catch (const std::exception& e) {
      err << "negsim sweep (rank " << mpi.place().rank << "): " << e.what() << "\n";
    }
    const int worst = mpi.max(code);
    if (mpi.place().rank != 0) return code;
    if (worst != kOk) return worst;
    std::vector<std::string> files;
    for (int r = 0; r < mpi.place().size; ++r) {
      files.push_back((dir / store_name(static_cast<std::uint64_t>(r),
                                        static_cast<std::uint64_t>(mpi.place().size)))
                          .string());
    }
    return merge_files(files, dir, false, out, err);
  }
#endif
  return sweep_shard(args, out, err, nullptr, nullptr);
}

int command_merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim merge DIR|FILE... [--out DIR] [--quiet]\n\n"
      "Combines the shard files of one sweep (shard-I-of-N.sqlite, from directories\n"
      "or named one by one) into DIR/sweep.sqlite, and writes DIR/points.csv and the\n"
      "sensitivity indices when every point is there. The shards must come from the\n"
      "same sweep (same scenario, design, seed and runs).\n\nOptions");
  desc.add_options()("help,h", "show this help")(
      "inputs", po::value<std::vector<std::string>>()->value_name("DIR|FILE"),
      "shard files or directories")("out,o", po::value<std::string>()->value_name("DIR"),
                                    "output directory (default: the first DIR)")(
      "quiet,q", "print nothing but errors");
  po::positional_options_description positional;
  positional.add("inputs", -1);
  const po::variables_map vm = parse(args, desc, positional);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("inputs")) throw UsageError("missing the shard files or directories");
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& in : vm["inputs"].as<std::vector<std::string>>()) {
    if (fs::is_directory(in)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(in)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("shard-", 0) == 0 && e.path().extension() == ".sqlite")
          found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) {
        err << "negsim merge: " << in << ": no shard files (shard-I-of-N.sqlite)\n";
        return kInvalidInput;
      }
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(in);
    }
  }
  const fs::path dir = vm.count("out") ? fs::path(vm["out"].as<std::string>())
                       : fs::is_directory(vm["inputs"].as<std::vector<std::string>>().front())
                           ? fs::path(vm["inputs"].as<std::vector<std::string>>().front())
                           : fs::path(files.front()).parent_path();
  // A file named without a directory ("shard-0-of-2.sqlite") is in this one.
  return merge_files(files, dir.empty() ? fs::path(".") : dir, vm.count("quiet") > 0, out, err);
}

}  // namespace negsim::cli
