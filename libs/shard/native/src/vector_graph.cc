// HiveHub's binding of hnswlib: the graph class of vendor/hnswlib-slots (upstream's without a
// label map or per-element locks), the spaces of the headers hnswlib-node ships.
//
// What hnswlib-node's binding cannot do, and a shard needs:
// - vectors in and out as Float32Array (no per-call conversion to and from JS arrays);
// - a label's stored vector copied out in place (`vectorInto`) and exact distances to a
//   list of labels (`distances`), so the engine keeps no second copy of the vectors;
// - search filters as a bitmap over labels (no call back into JS per candidate);
// - distances with the widest vector instructions the CPU has (simd_spaces.h).
// Reads and writes of index files run off the JS thread. The caller (libs/shard's
// HnswIndex) never mutates the graph while a write is in flight.
#include <napi.h>

#include <hnswlib-slots/hnswalg.h>

#include "simd_spaces.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <vector>

namespace {

using Graph = hnswlib_slots::HierarchicalNSW<float>;

// hnswlib reports errors (a label it does not know, a full graph, no memory) as C++
// exceptions; node-addon-api only converts its own, so each call into hnswlib goes
// through here to become a JS exception instead of terminating the process.
template <typename F>
void guarded(const Napi::Env& env, F&& call) {
  try {
    call();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& error) {
    throw Napi::Error::New(env, error.what());
  }
}

class BitmapFilter : public hnswlib::BaseFilterFunctor {
 public:
  BitmapFilter(const uint8_t* allowed, size_t length) : allowed_(allowed), length_(length) {}
  bool operator()(hnswlib::labeltype label) override { return label < length_ && allowed_[label] != 0; }

 private:
  const uint8_t* allowed_;
  size_t length_;
};

class VectorGraph : public Napi::ObjectWrap<VectorGraph> {
 public:
  static Napi::Object Init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(env, "VectorGraph", {
      InstanceMethod("initIndex", &VectorGraph::InitIndex),
      InstanceMethod("readIndex", &VectorGraph::ReadIndex),
      InstanceMethod("writeIndex", &VectorGraph::WriteIndex),
      InstanceMethod("resizeIndex", &VectorGraph::ResizeIndex),
      InstanceMethod("getMaxElements", &VectorGraph::GetMaxElements),
      InstanceMethod("getCurrentCount", &VectorGraph::GetCurrentCount),
      InstanceMethod("addPoint", &VectorGraph::AddPoint),
      InstanceMethod("markDelete", &VectorGraph::MarkDelete),
      InstanceMethod("unmarkDelete", &VectorGraph::UnmarkDelete),
      InstanceMethod("setEf", &VectorGraph::SetEf),
      InstanceMethod("searchKnn", &VectorGraph::SearchKnn),
      InstanceMethod("vectorInto", &VectorGraph::VectorInto),
      InstanceMethod("distances", &VectorGraph::Distances),
    });
    exports.Set("VectorGraph", cls);
    Napi::Array levels = Napi::Array::New(env);
    for (const std::string& level : supportedLevels()) levels.Set(levels.Length(), level);
    exports.Set("simdLevels", levels);
    return exports;
  }

  // new VectorGraph(space: 'l2' | 'ip', dim, simd?: one of simdLevels, the first by default)
  explicit VectorGraph(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VectorGraph>(info) {
    std::string space = info[0].As<Napi::String>();
    dim_ = info[1].As<Napi::Number>().Uint32Value();
    if (dim_ == 0) throw Napi::RangeError::New(info.Env(), "dim must be positive");
    if (space != "l2" && space != "ip") throw Napi::TypeError::New(info.Env(), "space must be 'l2' or 'ip'");
    const std::vector<std::string>& levels = supportedLevels();
    std::string level = levels.front();
    if (info.Length() > 2 && !info[2].IsUndefined()) {
      level = info[2].As<Napi::String>();
      if (std::find(levels.begin(), levels.end(), level) == levels.end()) {
        throw Napi::RangeError::New(info.Env(), "simd level '" + level + "' is not one this CPU supports");
      }
    }
    space_ = simd_spaces::makeSpace(space, dim_, level);
  }

  // The instruction sets this CPU can run distances with, widest first (read once).
  static const std::vector<std::string>& supportedLevels() {
    static const std::vector<std::string> levels = simd_spaces::supportedLevels();
    return levels;
  }

 private:
  Graph& ready(const Napi::Env& env) {
    if (!graph_) throw Napi::Error::New(env, "the graph is not initialised");
    return *graph_;
  }

  const float* vectorArg(const Napi::Value& value, const char* what) {
    if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      throw Napi::TypeError::New(value.Env(), std::string(what) + " must be a Float32Array");
    }
    Napi::Float32Array array = value.As<Napi::Float32Array>();
    if (array.ElementLength() != dim_) throw Napi::RangeError::New(value.Env(), std::string(what) + " has the wrong dimension");
    return array.Data();
  }

  // initIndex(maxElements, m, efConstruction, seed)
  Napi::Value InitIndex(const Napi::CallbackInfo& info) {
    size_t max = info[0].As<Napi::Number>().Int64Value();
    size_t m = info[1].As<Napi::Number>().Int64Value();
    size_t ef = info[2].As<Napi::Number>().Int64Value();
    size_t seed = info[3].As<Napi::Number>().Int64Value();
    guarded(info.Env(), [&] { graph_ = std::make_unique<Graph>(space_.get(), max, m, ef, seed); });
    return info.Env().Undefined();
  }

  Napi::Value ReadIndex(const Napi::CallbackInfo& info);
  Napi::Value WriteIndex(const Napi::CallbackInfo& info);

  Napi::Value ResizeIndex(const Napi::CallbackInfo& info) {
    Graph& g = ready(info.Env());
    size_t max = info[0].As<Napi::Number>().Int64Value();
    guarded(info.Env(), [&] { g.resizeIndex(max); });
    return info.Env().Undefined();
  }

  Napi::Value GetMaxElements(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(ready(info.Env()).getMaxElements()));
  }

  Napi::Value GetCurrentCount(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(ready(info.Env()).getCurrentElementCount()));
  }

  // addPoint(vector, label): adds, or updates a label that is not marked deleted.
  Napi::Value AddPoint(const Napi::CallbackInfo& info) {
    Graph& g = ready(info.Env());
    const float* vector = vectorArg(info[0], "vector");
    hnswlib::labeltype label = info[1].As<Napi::Number>().Int64Value();
    guarded(info.Env(), [&] { g.addPoint(vector, label); });
    return info.Env().Undefined();
  }

  Napi::Value MarkDelete(const Napi::CallbackInfo& info) {
    Graph& g = ready(info.Env());
    hnswlib::labeltype label = info[0].As<Napi::Number>().Int64Value();
    guarded(info.Env(), [&] { g.markDelete(label); });
    return info.Env().Undefined();
  }

  Napi::Value UnmarkDelete(const Napi::CallbackInfo& info) {
    Graph& g = ready(info.Env());
    hnswlib::labeltype label = info[0].As<Napi::Number>().Int64Value();
    guarded(info.Env(), [&] { g.unmarkDelete(label); });
    return info.Env().Undefined();
  }

  Napi::Value SetEf(const Napi::CallbackInfo& info) {
    ready(info.Env()).setEf(info[0].As<Napi::Number>().Int64Value());
    return info.Env().Undefined();
  }

  // searchKnn(query, k, allowed?: Uint8Array) -> { labels: Uint32Array, distances: Float32Array }, nearest first
  Napi::Value SearchKnn(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Graph& g = ready(env);
    const float* query = vectorArg(info[0], "query");
    size_t k = info[1].As<Napi::Number>().Int64Value();
    std::unique_ptr<BitmapFilter> filter;
    if (info.Length() > 2 && !info[2].IsUndefined()) {
      Napi::Uint8Array allowed = info[2].As<Napi::Uint8Array>();
      filter = std::make_unique<BitmapFilter>(allowed.Data(), allowed.ElementLength());
    }
    std::priority_queue<std::pair<float, hnswlib::labeltype>> found;
    guarded(env, [&] { found = g.searchKnn(query, k, filter.get()); });
    size_t n = found.size();
    Napi::Uint32Array labels = Napi::Uint32Array::New(env, n);
    Napi::Float32Array distances = Napi::Float32Array::New(env, n);
    for (size_t i = n; i-- > 0;) {  // the queue pops farthest first
      distances[i] = found.top().first;
      labels[i] = static_cast<uint32_t>(found.top().second);
      found.pop();
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("labels", labels);
    result.Set("distances", distances);
    return result;
  }

  // vectorInto(label, out: Float32Array): copies the stored vector; false when the label is unknown.
  Napi::Value VectorInto(const Napi::CallbackInfo& info) {
    Graph& g = ready(info.Env());
    hnswlib::labeltype label = info[0].As<Napi::Number>().Int64Value();
    Napi::Float32Array out = info[1].As<Napi::Float32Array>();
    if (out.ElementLength() != dim_) throw Napi::RangeError::New(info.Env(), "out has the wrong dimension");
    const float* stored = storedVector(g, label);
    if (stored == nullptr) return Napi::Boolean::New(info.Env(), false);
    std::memcpy(out.Data(), stored, dim_ * sizeof(float));
    return Napi::Boolean::New(info.Env(), true);
  }

  // distances(query, labels: Uint32Array, out: Float32Array): the space's distance to each label (NaN when unknown).
  Napi::Value Distances(const Napi::CallbackInfo& info) {
    Graph& g = ready(info.Env());
    const float* query = vectorArg(info[0], "query");
    Napi::Uint32Array labels = info[1].As<Napi::Uint32Array>();
    Napi::Float32Array out = info[2].As<Napi::Float32Array>();
    if (out.ElementLength() < labels.ElementLength()) throw Napi::RangeError::New(info.Env(), "out is shorter than labels");
    void* param = space_->get_dist_func_param();
    hnswlib::DISTFUNC<float> distance = space_->get_dist_func();
    for (size_t i = 0; i < labels.ElementLength(); i++) {
      const float* stored = storedVector(g, labels[i]);
      out[i] = stored == nullptr ? NAN : distance(query, stored, param);
    }
    return info.Env().Undefined();
  }

  // Labels are slots: label i is element i.
  const float* storedVector(Graph& g, hnswlib::labeltype label) {
    if (label >= g.getCurrentElementCount()) return nullptr;
    return reinterpret_cast<const float*>(g.getDataByInternalId(static_cast<hnswlib::tableint>(label)));
  }

  size_t dim_ = 0;
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;
  std::unique_ptr<Graph> graph_;
};

// Runs `work` on the libuv pool, then `done` on the JS thread; settles a promise. The JS
// object is referenced until then, so the graph outlives the task.
class GraphTask : public Napi::AsyncWorker {
 public:
  GraphTask(Napi::Env env, Napi::Object owner, std::function<void()> work, std::function<void()> done)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), work_(std::move(work)), done_(std::move(done)) {
    owner_ = Napi::Persistent(owner);
  }
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      work_();
    } catch (const std::exception& error) {
      SetError(error.what());
    }
  }
  void OnOK() override {
    done_();
    deferred_.Resolve(Env().Undefined());
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::ObjectReference owner_;
  Napi::Promise::Deferred deferred_;
  std::function<void()> work_;
  std::function<void()> done_;
};

Napi::Value queue(GraphTask* task) {
  Napi::Promise promise = task->Promise();
  task->Queue();
  return promise;
}

// hnswlib's loadIndex (hnswalg.h) field by field, without its "optional" check pass:
// that pass asks the ifstream for its position once per element, a system call each
// (two where an element has upper levels), which was most of a load's time. The caller
// (libs/shard graph-file.ts, readGraphFile) has already checked the same file's
// structure more strictly before this runs. Reads go through a 1 MiB buffer.
std::unique_ptr<Graph> loadGraph(hnswlib::SpaceInterface<float>* space, const std::string& path) {
  using hnswlib::readBinaryPOD;
  std::vector<char> buffer(1 << 20);
  std::ifstream input;
  input.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  input.open(path, std::ios::binary);
  if (!input.is_open()) throw std::runtime_error("Cannot open file");
  input.exceptions(std::ios::failbit | std::ios::badbit);

  auto graph = std::make_unique<Graph>(space);
  Graph& g = *graph;
  size_t count = 0;
  readBinaryPOD(input, g.offsetLevel0_);
  readBinaryPOD(input, g.max_elements_);
  readBinaryPOD(input, count);
  readBinaryPOD(input, g.size_data_per_element_);
  readBinaryPOD(input, g.label_offset_);
  readBinaryPOD(input, g.offsetData_);
  readBinaryPOD(input, g.maxlevel_);
  readBinaryPOD(input, g.enterpoint_node_);
  readBinaryPOD(input, g.maxM_);
  readBinaryPOD(input, g.maxM0_);
  readBinaryPOD(input, g.M_);
  readBinaryPOD(input, g.mult_);
  readBinaryPOD(input, g.ef_construction_);
  if (g.max_elements_ < count) throw std::runtime_error("Index seems to be corrupted or unsupported");
  g.data_size_ = space->get_data_size();
  g.fstdistfunc_ = space->get_dist_func();
  g.dist_func_param_ = space->get_dist_func_param();
  g.size_links_per_element_ = g.maxM_ * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
  g.size_links_level0_ = g.maxM0_ * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
  g.revSize_ = 1.0 / g.mult_;
  g.ef_ = 10;

  const size_t max = g.max_elements_;
  g.data_level0_memory_ = hnswlib_slots::allocateLevel0(max * g.size_data_per_element_);
  if (g.data_level0_memory_ == nullptr) throw std::runtime_error("Not enough memory: loadIndex failed to allocate level0");
  input.read(g.data_level0_memory_, static_cast<std::streamsize>(count * g.size_data_per_element_));
  g.visited_list_pool_.reset(new hnswlib::VisitedListPool(1, max));
  g.linkLists_ = static_cast<char**>(calloc(max, sizeof(void*)));
  if (g.linkLists_ == nullptr) throw std::runtime_error("Not enough memory: loadIndex failed to allocate linklists");
  g.element_levels_ = std::vector<int>(max);
  // cur_element_count grows with each element read, so the destructor frees exactly
  // the link lists allocated so far if a read fails midway.
  for (size_t i = 0; i < count; i++) {
    hnswlib::linklistsizeint size;
    readBinaryPOD(input, size);
    if (size % g.size_links_per_element_ != 0) throw std::runtime_error("Index seems to be corrupted or unsupported");
    g.element_levels_[i] = static_cast<int>(size / g.size_links_per_element_);
    if (size != 0) {
      g.linkLists_[i] = static_cast<char*>(malloc(size));
      if (g.linkLists_[i] == nullptr) throw std::runtime_error("Not enough memory: loadIndex failed to allocate linklist");
    }
    g.cur_element_count = i + 1;
    if (size != 0) input.read(g.linkLists_[i], size);
    if (g.getExternalLabel(static_cast<hnswlib::tableint>(i)) != i) throw std::runtime_error("Index labels are not slot numbers");
  }
  if (input.peek() != std::char_traits<char>::eof()) throw std::runtime_error("Index seems to be corrupted or unsupported");
  for (size_t i = 0; i < count; i++) {
    if (g.isMarkedDeleted(static_cast<hnswlib::tableint>(i))) g.num_deleted_ += 1;
  }
  return graph;
}

// Reads an index file off the JS thread; the graph is swapped in on the JS thread.
Napi::Value VectorGraph::ReadIndex(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>();
  auto loaded = std::make_shared<std::unique_ptr<Graph>>();
  hnswlib::SpaceInterface<float>* space = space_.get();
  return queue(new GraphTask(
      info.Env(), info.This().As<Napi::Object>(),
      [loaded, space, path]() {
        try {
          *loaded = loadGraph(space, path);
        } catch (const std::ios_base::failure&) {
          throw std::runtime_error("graph file " + path + " is truncated or unreadable");
        }
      },
      [this, loaded]() { graph_ = std::move(*loaded); }));
}

// Writes the index file off the JS thread (the caller holds off writers meanwhile).
Napi::Value VectorGraph::WriteIndex(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>();
  Graph* graph = &ready(info.Env());
  return queue(new GraphTask(info.Env(), info.This().As<Napi::Object>(), [graph, path]() { graph->saveIndex(path); }, []() {}));
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return VectorGraph::Init(env, exports); }

}  // namespace

NODE_API_MODULE(vector_graph, InitModule)
