#include "negsim/sweep_store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

namespace negsim {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS points (
  point INTEGER PRIMARY KEY,
  params TEXT NOT NULL,
  runs INTEGER NOT NULL,
  full_deal INTEGER NOT NULL, interim_deal INTEGER NOT NULL,
  breakdown INTEGER NOT NULL, no_agreement INTEGER NOT NULL,
  causes TEXT NOT NULL,
  summary TEXT NOT NULL);
)";

/// A prepared statement, finalised on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw SweepError(path + ": not a negsim sweep file (" + sqlite3_errmsg(db) + ")");
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::string text_column(sqlite3_stmt* s, int i) {
  const auto* p = sqlite3_column_text(s, i);
  return p ? reinterpret_cast<const char*>(p) : "";
}

/// How long a sweep file's lock is waited for (ms) before giving up.
constexpr int kBusyTimeoutMs = 30'000;

/// Opens a sweep file. Others may read it meanwhile (a user watching a sweep
/// with the sqlite3 shell, negsim merge): their locks are waited for, not
/// taken for a failure.
sqlite3* open_sweep_file(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    throw SweepError(path + ": " + why);
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return db;
}

}  // namespace

void SweepStore::exec(const char* sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw SweepError(path_ + ": " + why);
  }
}

SweepStore::SweepStore(const std::string& path) : path_(path) {
  if (!std::filesystem::is_regular_file(path)) throw SweepError(path + ": no such sweep file");
  db_ = open_sweep_file(path, SQLITE_OPEN_READONLY);
  try {
    Statement s(db_, "SELECT key, value FROM manifest", path_);
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
      manifest_[text_column(s.get(), 0)] = text_column(s.get(), 1);
    if (rc != SQLITE_DONE)
      throw SweepError(path_ + ": damaged sweep file (" + sqlite3_errmsg(db_) + ")");
    if (!manifest_.count("negsim"))
      throw SweepError(path_ + ": not a negsim sweep file (no manifest)");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

namespace {

/// Takes the writer's lock of a sweep file and writes who holds it (for the
/// message a second writer gets). Returns the lock's descriptor.
int lock_for_writing(const std::string& path) {
  const std::string lock = path + ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw SweepError(lock + ": cannot create the lock file: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int why = errno;
    ::close(fd);
    std::ifstream in(lock);
    std::string holder;
    std::getline(in, holder);
    if (why == EWOULDBLOCK) {
      throw SweepError(path + ": in use by another negsim sweep (" +
                       (holder.empty() ? std::string("process unknown") : holder) +
                       "); wait for it to finish, or give each worker its own --shard I/N");
    }
    throw SweepError(lock + ": cannot lock: " + std::strerror(why));
  }
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  const std::string who =
      "process " + std::to_string(::getpid()) + " on " + std::string(host) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::write(fd, who.data(), who.size()) < 0) {
    // The lock holds without the note; only the message would be poorer.
  }
  return fd;
}

}  // namespace

SweepStore::SweepStore(const std::string& path, const Manifest& manifest)
    : path_(path), lock_fd_(lock_for_writing(path)) {
  const bool existed = std::filesystem::exists(path);
  db_ = open_sweep_file(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  try {
    exec("PRAGMA synchronous = FULL");
    exec(kSchema);
    Statement read(db_, "SELECT key, value FROM manifest", path_);
    while (sqlite3_step(read.get()) == SQLITE_ROW)
      manifest_[text_column(read.get(), 0)] = text_column(read.get(), 1);
    if (manifest_.empty()) {
      exec("BEGIN");
      Statement put(db_, "INSERT INTO manifest (key, value) VALUES (?, ?)", path_);
      for (const auto& [k, v] : manifest) {
        sqlite3_bind_text(put.get(), 1, k.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(put.get(), 2, v.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(put.get()) != SQLITE_DONE)
          throw SweepError(path_ + ": " + sqlite3_errmsg(db_));
        sqlite3_reset(put.get());
      }
      exec("COMMIT");
      manifest_ = manifest;
    } else if (manifest_ != manifest) {
      for (const auto& [k, v] : manifest) {
        const auto it = manifest_.find(k);
        if (it == manifest_.end() || it->second != v) {
          throw SweepError(path_ + ": holds another sweep (its " + k +
                           " differs); resume it with the same command, or use another --out");
        }
      }
      throw SweepError(path_ + ": holds another sweep; use another --out");
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    if (!existed) std::filesystem::remove(path);
    ::close(lock_fd_);
    throw;
  }
}

SweepStore::~SweepStore() {
  sqlite3_close(db_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

std::set<std::uint64_t> SweepStore::done() const {
  std::set<std::uint64_t> out;
  Statement s(db_, "SELECT point FROM points", path_);
  while (sqlite3_step(s.get()) == SQLITE_ROW)
    out.insert(static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0)));
  return out;
}

void SweepStore::put(const PointRecord& r) {
  nlohmann::json params = nlohmann::json::array();
  for (double v : r.values) params.push_back(std::isnan(v) ? nlohmann::json() : nlohmann::json(v));
  Statement s(db_,
              "INSERT INTO points (point, params, runs, full_deal, interim_deal, breakdown, "
              "no_agreement, causes, summary) VALUES (?,?,?,?,?,?,?,?,?)",
              path_);
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(r.point));
  const std::string p = params.dump();
  sqlite3_bind_text(s.get(), 2, p.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(s.get(), 3, static_cast<sqlite3_int64>(r.runs));
  for (int i = 0; i < 4; ++i)
    sqlite3_bind_int64(s.get(), 4 + i,
                       static_cast<sqlite3_int64>(r.outcomes[static_cast<std::size_t>(i)]));
  nlohmann::ordered_json causes = nlohmann::ordered_json::object();
  for (const auto& [cause, count] : r.causes) causes[cause] = count;
  const std::string c = causes.dump();
  sqlite3_bind_text(s.get(), 8, c.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 9, r.summary.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_DONE) {
    throw SweepError(path_ + ": cannot store point " + std::to_string(r.point) + ": " +
                     sqlite3_errmsg(db_));
  }
}

std::vector<PointRecord> SweepStore::all() const {
  std::vector<PointRecord> out;
  Statement s(db_,
              "SELECT point, params, runs, full_deal, interim_deal, breakdown, no_agreement, "
              "causes, summary FROM points ORDER BY point",
              path_);
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    PointRecord r;
    r.point = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
    try {
      for (const auto& v : nlohmann::json::parse(text_column(s.get(), 1))) {
        r.values.push_back(v.is_null() ? std::numeric_limits<double>::quiet_NaN()
                                       : v.get<double>());
      }
      const auto causes = nlohmann::ordered_json::parse(text_column(s.get(), 7));
      for (const auto& [cause, count] : causes.items()) {
        r.causes.emplace_back(cause, count.get<std::uint64_t>());
      }
    } catch (const nlohmann::json::exception&) {
      throw SweepError(path_ + ": damaged sweep file (point " + std::to_string(r.point) + ")");
    }
    r.runs = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 2));
    for (int i = 0; i < 4; ++i)
      r.outcomes[static_cast<std::size_t>(i)] =
          static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 3 + i));
    r.summary = text_column(s.get(), 8);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE)
    throw SweepError(path_ + ": damaged sweep file (" + sqlite3_errmsg(db_) + ")");
  return out;
}

}  // namespace negsim
