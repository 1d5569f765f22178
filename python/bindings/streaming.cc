// DataStreamReader, DataStreamWriter, StreamingQuery, the query manager and
// listeners, bound thinly: python/sluice/sql/streaming/ gives them PySpark's
// shape (argument conventions, event and progress objects, exceptions).
//
// Threads. Queries run on engine threads without the GIL. Python is entered
// from those threads only for foreachBatch functions and listeners, which
// take the GIL (nb::gil_scoped_acquire). Every call here that can wait
// (start, which posts onQueryStarted; stop; the waits) releases the GIL, and
// the waits run in short slices with PyErr_CheckSignals between them, so a
// Ctrl-C reaches the program promptly as KeyboardInterrupt (the package then
// stops the session's queries).
//
// Python objects held by the engine (the foreachBatch function, listeners)
// live in a PyRef, whose last owner may be an engine thread: it takes the
// GIL to release its reference.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "sluice/dataframe.h"
#include "sluice/session.h"
#include "sluice/streaming.h"
#include "stream/micro_batch_execution.h"
#include "stream/streaming_query_internal.h"

namespace sluice::python {

namespace {

// The interpreter can still run Python code (not shutting down).
bool PythonAlive() {
  if (!Py_IsInitialized()) return false;
#if PY_VERSION_HEX >= 0x030D0000
  return !Py_IsFinalizing();
#else
  return !_Py_IsFinalizing();
#endif
}

// A strong reference to a Python object that any thread may drop.
class PyRef {
 public:
  explicit PyRef(nb::object o) : obj_(o.release().ptr()) {}
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  ~PyRef() {
    if (obj_ == nullptr || !Py_IsInitialized()) return;
    if (PyGILState_Check()) {
      Py_DECREF(obj_);  // a Python thread (also while the interpreter finalizes)
    } else if (PythonAlive()) {
      nb::gil_scoped_acquire gil;  // an engine thread
      Py_DECREF(obj_);
    }
    // else: an engine thread after finalization began: leaked, harmlessly.
  }
  nb::handle get() const { return obj_; }

 private:
  PyObject* obj_;
};

// How long one slice of a wait lasts before signals are checked.
constexpr int64_t kWaitSliceMs = 50;

// Waits with `step(slice_ms)` (called without the GIL; true when done) in
// slices until done or `timeout_ms` (< 0: no limit) passed; between slices a
// pending signal (Ctrl-C) raises its Python exception. True if done.
template <typename Step>
bool WaitInSlices(int64_t timeout_ms, Step step) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<int64_t>(timeout_ms, 0));
  while (true) {
    int64_t slice = kWaitSliceMs;
    if (timeout_ms >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      slice = std::clamp<int64_t>(left.count(), 0, kWaitSliceMs);
    }
    bool done;
    {
      nb::gil_scoped_release release;
      done = step(slice);
    }
    if (done) return true;
    if (PyErr_CheckSignals() != 0) throw nb::python_error();
    if (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline) return false;
  }
}

// A query's error as (code name, message), or None.
nb::object ErrorToPython(const std::optional<Status>& st) {
  if (!st || st->ok()) return nb::none();
  return nb::make_tuple(Status::CodeName(st->code()), st->message());
}

// Listener calls into a Python adapter (sluice.sql.streaming.listener's
// _ListenerAdapter): plain data in, event objects made there.
class PyListener : public StreamingQueryListener {
 public:
  explicit PyListener(nb::object adapter) : adapter_(std::make_shared<PyRef>(std::move(adapter))) {}

  void onQueryStarted(const QueryStartedEvent& e) override {
    Call("_started", [&] { return nb::make_tuple(e.id, e.runId, e.name, e.timestamp); });
  }
  void onQueryProgress(const StreamingQueryProgress& p) override {
    Call("_progress", [&] { return nb::make_tuple(p.json()); });
  }
  void onQueryIdle(const QueryIdleEvent& e) override {
    Call("_idle", [&] { return nb::make_tuple(e.id, e.runId, e.timestamp); });
  }
  void onQueryTerminated(const QueryTerminatedEvent& e) override {
    Call("_terminated", [&] {
      nb::object exc = e.exception ? nb::object(nb::str(e.exception->c_str())) : nb::none();
      nb::object cls = e.errorClassOnException ? nb::object(nb::str(e.errorClassOnException->c_str())) : nb::none();
      return nb::make_tuple(e.id, e.runId, exc, cls);
    });
  }

 private:
  template <typename Args>
  void Call(const char* method, Args args) {
    if (!PythonAlive()) return;
    nb::gil_scoped_acquire gil;
    try {
      nb::tuple a = args();
      adapter_->get().attr(method)(*a);
    } catch (nb::python_error& e) {
      // The adapter reports the listener's own errors; anything left is
      // reported the same way and never reaches the query.
      e.discard_as_unraisable(method);
    }
  }
  std::shared_ptr<PyRef> adapter_;
};

// A listener as the package holds it (removeListener needs the same object).
struct ListenerHandle {
  std::shared_ptr<PyListener> listener;
};

MicroBatchExecution& Exec(const StreamingQuery& q) { return *StreamingQueryAccess::Execution(q); }

}  // namespace

void BindStreaming(nb::module_& m) {
  // The waits raise a failed query's error as its status's exception; the
  // package re-raises it as StreamingQueryException (it knows the query).
  // spark.readStream...load(): a streaming DataFrame (errors, e.g. an
  // unknown format or a missing option, surface when it is used, as every
  // DataFrame's).
  m.def(
      "stream_load",
      [](Session& session, const std::string& format, const std::map<std::string, std::string>& options, std::optional<std::string> schema,
         std::optional<std::string> path) {
        nb::gil_scoped_release release;  // a source may look at files or a broker
        DataStreamReader r = session.readStream();
        r.format(format).options(options);
        if (schema) r.schema(*schema);
        return path ? r.load(*path) : r.load();
      },
      nb::arg("session"), nb::arg("format"), nb::arg("options"), nb::arg("schema").none(), nb::arg("path").none());

  // df.writeStream...start(): trigger_kind is "default", "processingTime"
  // (with trigger_interval), "once" or "availableNow". foreach_batch, when
  // given, is called as foreach_batch(QueryResult, batch_id) on the query's
  // thread and returns None or the error message that fails the batch.
  m.def(
      "stream_start",
      [](const DataFrame& df, const std::string& format, const std::string& output_mode,
         const std::string& trigger_kind, const std::string& trigger_interval, const std::map<std::string, std::string>& options,
         const std::string& query_name, std::optional<std::vector<std::string>> partition_by,
         nb::object foreach_batch, std::optional<std::string> path) {
        DataStreamWriter w = df.writeStream();
        w.format(format).outputMode(output_mode).options(options);
        if (!query_name.empty()) w.queryName(query_name);
        if (partition_by) w.partitionBy(*partition_by);
        if (trigger_kind == "processingTime") {
          w.trigger(Unwrap(Trigger::ProcessingTime(trigger_interval)));
        } else if (trigger_kind == "once") {
          w.trigger(Trigger::Once());
        } else if (trigger_kind == "availableNow") {
          w.trigger(Trigger::AvailableNow());
        } else if (trigger_kind != "default") {
          throw nb::value_error(("unknown trigger kind " + trigger_kind).c_str());
        }
        if (!foreach_batch.is_none()) {
          auto fn = std::make_shared<PyRef>(std::move(foreach_batch));
          w.foreachBatch([fn](const QueryResult& batch, int64_t batch_id) -> Status {
            if (!PythonAlive()) return Status::Cancelled("foreachBatch: the Python interpreter is shutting down");
            nb::gil_scoped_acquire gil;
            try {
              nb::object r = fn->get()(batch, batch_id);
              if (r.is_none()) return Status::OK();
              return Status::ExecutionError(nb::cast<std::string>(nb::str(r)));
            } catch (nb::python_error& e) {
              // The package's wrapper catches the function's exceptions;
              // this is a failure of the wrapper itself.
              return Status::ExecutionError(std::string("[FOREACH_BATCH_USER_FUNCTION_ERROR] ") + e.what());
            }
          });
        }
        Result<StreamingQuery> q = [&] {
          nb::gil_scoped_release release;  // Start posts onQueryStarted
          return path ? w.start(*path) : w.start();
        }();
        return Unwrap(std::move(q));
      },
      nb::arg("df"), nb::arg("format"), nb::arg("output_mode"), nb::arg("trigger_kind"), nb::arg("trigger_interval"),
      nb::arg("options"), nb::arg("query_name"), nb::arg("partition_by").none(), nb::arg("foreach_batch").none(),
      nb::arg("path").none());

  nb::class_<StreamingQuery>(m, "StreamingQuery")
      .def_prop_ro("id", &StreamingQuery::id)
      .def_prop_ro("run_id", &StreamingQuery::runId)
      .def_prop_ro("name", &StreamingQuery::name)
      .def_prop_ro("is_active", &StreamingQuery::isActive)
      .def("status_json", [](const StreamingQuery& q) { return q.status().json(); })
      .def("last_progress_json",
           [](const StreamingQuery& q) -> std::optional<std::string> {
             auto p = q.lastProgress();
             if (!p) return std::nullopt;
             return p->json();
           })
      .def("recent_progress_json",
           [](const StreamingQuery& q) {
             std::vector<std::string> out;
             for (const auto& p : q.recentProgress()) out.push_back(p.json());
             return out;
           })
      // True if the query ended within timeout_ms (< 0: waits until it
      // ends); raises the query's error if it failed.
      .def("await_termination",
           [](const StreamingQuery& q, int64_t timeout_ms) {
             std::optional<Status> err;
             bool done = WaitInSlices(timeout_ms, [&](int64_t slice) {
               Result<bool> r = q.awaitTermination(slice);
               if (!r.ok()) err = r.status();
               return !r.ok() || *r;
             });
             if (err) RaiseStatus(*err);
             return done;
           })
      .def("process_all_available",
           [](const StreamingQuery& q) {
             MicroBatchExecution& exec = Exec(q);
             int64_t gen = exec.RequestProcessAll();
             std::optional<Status> err;
             WaitInSlices(-1, [&](int64_t slice) {
               Result<bool> r = exec.AwaitProcessedAll(gen, slice);
               if (!r.ok()) err = r.status();
               return !r.ok() || *r;
             });
             if (err) RaiseStatus(*err);
           })
      .def("stop",
           [](const StreamingQuery& q) {
             Status st;
             {
               nb::gil_scoped_release release;  // the batch in flight may call Python
               st = q.stop();
             }
             Check(st);
           })
      .def("exception", [](const StreamingQuery& q) { return ErrorToPython(q.exception()); })
      .def("explain", &StreamingQuery::explain);

  nb::class_<ListenerHandle>(m, "ListenerHandle");

  // The session's StreamingQueryManager.
  m.def("streams_active", [](Session& s) { return s.streams().active(); });
  m.def("streams_get", [](Session& s, const std::string& id) { return s.streams().get(id); });
  m.def("streams_await_any_termination", [](Session& s, int64_t timeout_ms) {
    StreamingQueryManager& mgr = s.streams();
    std::optional<Status> err;
    bool done = WaitInSlices(timeout_ms, [&](int64_t slice) {
      Result<bool> r = mgr.awaitAnyTermination(slice);
      if (!r.ok()) err = r.status();
      return !r.ok() || *r;
    });
    if (err) RaiseStatus(*err);
    return done;
  });
  m.def("streams_reset_terminated", [](Session& s) { s.streams().resetTerminated(); });
  // Stops every active query of the session and waits for each (Ctrl-C,
  // interpreter exit).
  m.def("streams_stop_all", [](Session& s) {
    std::vector<StreamingQuery> qs = s.streams().active();
    nb::gil_scoped_release release;
    for (const auto& q : qs) (void)q.stop();
  });
  m.def("streams_add_listener", [](Session& s, nb::object adapter) {
    ListenerHandle h{std::make_shared<PyListener>(std::move(adapter))};
    s.streams().addListener(h.listener);
    return h;
  });
  m.def("streams_remove_listener", [](Session& s, const ListenerHandle& h) {
    std::shared_ptr<StreamingQueryListener> l = h.listener;
    s.streams().removeListener(l);
  });
}

}  // namespace sluice::python
