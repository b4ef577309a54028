// negsim._negsim: the compiled part of the Python module (docs/PYTHON.md).
//
// The bindings are thin on purpose: they call the same library functions as
// the command line and hand back what the CLI writes (summary.json, runs.csv,
// the trace's JSON, points.csv), which python/negsim/ turns into pandas
// objects. A model change (a new mechanism, a new summary field) therefore
// needs no change here, and Python's numbers are the CLI's by construction.
//
// Long calls run on a worker thread with the GIL released; the calling
// thread waits in short slices, and in each one takes the GIL to check for
// Ctrl-C (PyErr_CheckSignals) and to report progress. An interrupt stops the
// engine at its next batch and raises KeyboardInterrupt.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "negsim/engine.hpp"
#include "negsim/mechanisms/standard.hpp"
#include "negsim/model.hpp"
#include "negsim/outputs.hpp"
#include "negsim/scenario_yaml.hpp"
#include "negsim/sweep.hpp"
#include "negsim/sweep_store.hpp"
#include "negsim/trace.hpp"
#include "negsim/utilities.hpp"
#include "negsim/version.hpp"

namespace py = pybind11;
using namespace py::literals;

namespace negsim::python {
namespace {

/// A validated scenario with what it was made from: the source (the file's
/// bytes and tree, read once) and the overrides, so that `with_` can add
/// overrides and a run's provenance can hash what was run.
struct PyScenario {
  std::shared_ptr<const ScenarioSource> source;
  std::vector<std::string> sets;  ///< "path=value", as --set takes them
  std::shared_ptr<const Scenario> scenario;
};

std::vector<Override> overrides_of(const std::vector<std::string>& sets) {
  std::vector<Override> out;
  out.reserve(sets.size());
  for (const auto& s : sets) out.push_back(parse_override(s));
  return out;
}

PyScenario make(std::shared_ptr<const ScenarioSource> source, std::vector<std::string> sets) {
  PyScenario s{std::move(source), std::move(sets), nullptr};
  s.scenario = std::make_shared<const Scenario>(load_scenario(*s.source, overrides_of(s.sets)));
  return s;
}

PyScenario load(const std::string& path, std::vector<std::string> sets) {
  return make(std::make_shared<const ScenarioSource>(
                  read_scenario_source(path, {}, model::standard_extensions())),
              std::move(sets));
}

PyScenario loads(std::string text, const std::string& origin, std::vector<std::string> sets) {
  return make(std::make_shared<const ScenarioSource>(
                  scenario_source_text(std::move(text), origin, {}, model::standard_extensions())),
              std::move(sets));
}

/// What a worker reports to the waiting Python thread.
struct Progress {
  std::atomic<std::uint64_t> done{0}, planned{0};
  std::atomic<bool> cancel{false};
};

/// Runs `work` on a worker thread with the GIL released. The calling thread
/// wakes every 50 ms: it checks for Ctrl-C and calls `callback(done,
/// planned)` when the progress moved. A Python exception (KeyboardInterrupt,
/// or one raised by the callback) sets the cancel flag and is raised once
/// the worker has stopped; an exception of the worker is rethrown.
void run_interruptibly(const std::function<void()>& work, Progress& progress,
                       const py::object& callback) {
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::exception_ptr failure;
  std::optional<py::error_already_set> pending;
  std::uint64_t reported = ~std::uint64_t{0};
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        work();
      } catch (...) {
        failure = std::current_exception();
      }
      const std::lock_guard lock(mutex);
      finished = true;
      finished_cv.notify_all();
    });
    for (;;) {
      std::unique_lock lock(mutex);
      finished_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished; });
      const bool over = finished;
      lock.unlock();
      if (!pending) {
        py::gil_scoped_acquire gil;
        if (PyErr_CheckSignals() != 0) {
          pending.emplace();  // fetches the raised exception
          progress.cancel = true;
        } else if (!callback.is_none() && progress.done.load() != reported) {
          reported = progress.done.load();
          try {
            callback(reported, progress.planned.load());
          } catch (py::error_already_set& e) {
            pending.emplace(std::move(e));
            progress.cancel = true;
          }
        }
      }
      if (over) break;
    }
    worker.join();
  }
  if (pending) {
    pending->restore();
    throw py::error_already_set();
  }
  if (failure) std::rethrow_exception(failure);
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

py::dict run(const PyScenario& s, std::uint64_t runs, std::optional<double> precision,
             std::uint64_t max_runs, std::optional<std::uint64_t> seed, int threads,
             std::uint64_t block, bool runs_table, const py::object& callback) {
  if (runs == 0 && !precision) throw UsageError("runs: at least 1 (got 0)");
  if (precision && !(*precision > 0 && *precision < 0.5)) {
    throw UsageError("precision: a half-width in (0, 0.5) (got " + std::to_string(*precision) +
                     ")");
  }
  if (block == 0) throw UsageError("block: at least 1 (got 0)");
  if (threads < 0) throw UsageError("threads: 0 (all cores) or more");
  EngineOptions options;
  options.seed = seed.value_or(s.scenario->seed);
  options.runs = runs;
  options.precision = precision;
  options.max_runs = max_runs;
  options.threads = threads;
  options.block = block;
  // Batches are where an interrupt and progress are seen; with a fixed
  // number of runs they change no result. With a precision target they are
  // part of the stopping rule, as on the command line.
  options.batch = precision ? 10'000 : (runs_table ? 2'000 : 10'000);

  const model::Negotiation negotiation(*s.scenario);
  Progress progress;
  options.cancel = &progress.cancel;
  std::string csv;
  RunSink sink;
  if (runs_table) {
    csv = runs_csv_header(negotiation);
    sink = [&](const std::vector<RunRecord>& records) {
      append_runs_csv(csv, negotiation, records);
    };
  }
  EngineResult result;
  const auto start = std::chrono::steady_clock::now();
  run_interruptibly(
      [&] {
        result =
            simulate(negotiation, options, sink, [&](std::uint64_t done, std::uint64_t planned) {
              progress.planned = planned;
              progress.done = done;
            });
      },
      progress, callback);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  Provenance prov;
  prov.scenario_file = s.source->path;
  prov.scenario_sha1 = sha1_hex(s.source->bytes);
  prov.resolved_sha1 = sha1_hex(to_yaml(*s.scenario));
  prov.overrides = s.sets;
  prov.seed = options.seed;
  prov.threads = result.threads;
  prov.wall_seconds = seconds;
  prov.date = utc_now();
  prov.stopping = precision ? "precision" : "fixed";
  prov.precision = precision;
  prov.max_runs = max_runs;
  prov.precision_reached = result.precision_reached;
  prov.cancelled = result.cancelled;
  prov.peak_rss_mib = peak_rss_mib();
  py::dict out;
  out["summary"] = summary_json(negotiation, result.tally, prov);
  out["report"] = report_markdown(negotiation, result.tally, prov);
  out["runs_csv"] = runs_table ? py::object(py::str(csv)) : py::object(py::none());
  return out;
}

py::dict trace(const PyScenario& s, std::optional<std::uint64_t> seed, std::uint64_t run) {
  const model::Negotiation negotiation(*s.scenario);
  const TracedRun traced = trace_run(negotiation, seed.value_or(s.scenario->seed), run);
  std::ostringstream json, text;
  write_trace_json(json, traced);
  write_trace_text(text, traced);
  py::dict out;
  out["json"] = json.str();
  out["text"] = text.str();
  return out;
}

py::dict sweep(const PyScenario& s, const std::string& design_text, const std::string& origin,
               const std::string& base_dir, std::uint64_t runs, std::optional<double> precision,
               std::uint64_t max_runs, std::optional<std::uint64_t> seed, int threads,
               std::optional<std::string> out_dir, const py::object& callback) {
  if (runs == 0 && !precision) throw UsageError("runs: at least 1 (got 0)");
  if (threads < 0) throw UsageError("threads: 0 (all cores) or more");
  const DesignSpec spec = load_design_text(design_text, origin, base_dir);
  SweepOptions options;
  options.scenario_file = s.source->path;
  options.source = *s.source;
  options.overrides = overrides_of(s.sets);
  options.seed = seed.value_or(s.scenario->seed);
  options.runs = runs;
  options.precision = precision;
  options.max_runs = max_runs;
  options.threads = threads;
  const Design design = generate(spec);
  const std::vector<std::size_t> mine = shard_points(design, options);
  check_points(options, design, mine);  // every point's scenario, before anything runs

  namespace fs = std::filesystem;
  // Without a directory the store lives in a private temporary one, removed
  // when the sweep is over.
  fs::path dir;
  bool temporary = false;
  if (out_dir) {
    dir = *out_dir;
  } else {
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir = fs::temp_directory_path() /
          ("negsim-sweep-" + std::to_string(::getpid()) + "-" + std::to_string(stamp));
    temporary = true;
  }
  struct Cleanup {
    fs::path dir;
    bool active;
    ~Cleanup() {
      std::error_code ec;
      if (active) fs::remove_all(dir, ec);
    }
  } cleanup{dir, temporary};
  Manifest manifest = sweep_manifest(*s.scenario, options.scenario_file, design_text, options,
                                     design.points.size());
  manifest["parameters"] = nlohmann::json(design.paths).dump();
  fs::create_directories(dir);
  SweepStore store((dir / "sweep.sqlite").string(), manifest);
  const std::set<std::uint64_t> done = store.done();
  Progress progress;
  progress.planned = mine.size();
  progress.done = done.size();
  options.cancel = &progress.cancel;
  bool complete = false;
  run_interruptibly(
      [&] {
        complete = run_sweep(
            options, design, mine, done,
            [&](std::size_t p, const model::Negotiation& negotiation, const Tally& tally) {
              store.put(point_record(negotiation, p, design.points[p], tally));
              progress.done = progress.done + 1;
            });
      },
      progress, callback);
  py::dict out;
  out["paths"] = design.paths;
  out["warnings"] = spec.warnings;
  out["resumed"] = done.size();
  out["complete"] = complete;
  out["design"] = to_string(spec.kind);
  if (complete) {
    const std::vector<PointRecord> records = store.all();
    out["points_csv"] = points_csv(design.paths, records);
    out["sensitivity_csv"] = sensitivity(design, records).csv;
    out["sensitivity_text"] = sensitivity(design, records).text;
  }
  if (!temporary) out["store"] = (dir / "sweep.sqlite").string();
  return out;
}

std::string utilities(const PyScenario& s, const std::vector<std::string>& texts,
                      std::uint64_t draws, std::optional<std::uint64_t> seed) {
  if (draws == 0 || draws > 10'000'000) throw UsageError("draws: in [1, 10000000]");
  std::vector<UtilityText> extra;
  for (const auto& t : texts) extra.push_back(parse_utility_text(*s.scenario, t));
  return utility_table_json(
      utility_table(*s.scenario, extra, draws, seed.value_or(s.scenario->seed)));
}

}  // namespace
}  // namespace negsim::python

PYBIND11_MODULE(_negsim, m) {
  using negsim::python::PyScenario;
  m.doc() =
      "negsim's compiled core. Use the negsim package (import negsim), which turns what these\n"
      "functions return into pandas objects; see docs/PYTHON.md.";
  m.attr("__version__") = negsim::kVersion;

  // A ScenarioError becomes negsim.ScenarioError (defined in Python, so it
  // can carry its problems as objects) with every located problem.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const negsim::ScenarioError& e) {
      py::list problems;
      for (const auto& d : e.diagnostics()) {
        problems.append(py::dict("file"_a = d.loc.file, "line"_a = d.loc.line,
                                 "column"_a = d.loc.column, "path"_a = d.path,
                                 "message"_a = d.message, "text"_a = d.str()));
      }
      const py::object type = py::module_::import("negsim._errors").attr("ScenarioError");
      const py::object error = type.attr("from_problems")(problems);
      PyErr_SetObject(type.ptr(), error.ptr());
    } catch (const negsim::UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  py::class_<PyScenario>(m, "Scenario", "A validated scenario (negsim.Scenario wraps it).")
      .def("to_yaml", [](const PyScenario& s) { return negsim::to_yaml(*s.scenario); })
      .def("to_json", [](const PyScenario& s) { return negsim::to_json(*s.scenario); })
      .def(
          "with_sets",
          [](const PyScenario& s, const std::vector<std::string>& more) {
            std::vector<std::string> sets = s.sets;
            sets.insert(sets.end(), more.begin(), more.end());
            return negsim::python::make(s.source, std::move(sets));
          },
          "more"_a)
      .def_property_readonly("file", [](const PyScenario& s) { return s.source->path; })
      .def_property_readonly("sets", [](const PyScenario& s) { return s.sets; })
      .def_property_readonly("name", [](const PyScenario& s) { return s.scenario->name; })
      .def_property_readonly("seed", [](const PyScenario& s) { return s.scenario->seed; })
      .def_property_readonly("sha1",
                             [](const PyScenario& s) { return negsim::sha1_hex(s.source->bytes); });

  m.def("load", &negsim::python::load, "path"_a, "sets"_a = std::vector<std::string>{});
  m.def("loads", &negsim::python::loads, "text"_a, "origin"_a = "<string>",
        "sets"_a = std::vector<std::string>{});
  m.def("run", &negsim::python::run, "scenario"_a, "runs"_a, "precision"_a, "max_runs"_a, "seed"_a,
        "threads"_a, "block"_a, "runs_table"_a, "progress"_a);
  m.def("trace", &negsim::python::trace, "scenario"_a, "seed"_a, "run"_a);
  m.def("sweep", &negsim::python::sweep, "scenario"_a, "design"_a, "origin"_a, "base_dir"_a,
        "runs"_a, "precision"_a, "max_runs"_a, "seed"_a, "threads"_a, "out"_a, "progress"_a);
  m.def("utilities", &negsim::python::utilities, "scenario"_a, "texts"_a, "draws"_a, "seed"_a);
  m.def("default_scenario", [] {
    for (const char* path : negsim::kDefaultScenarioPaths) {
      if (std::filesystem::is_regular_file(path)) return std::string(path);
    }
    throw negsim::UsageError("the default scenario is not installed; name a file");
  });
}
