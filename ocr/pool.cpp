// A fixed set of engines, created once and leased to workers.
#include <thread>

#include "ocr/ocr.h"

namespace chartroom::ocr {

Result<std::unique_ptr<EnginePool>> EnginePool::create(int engines, const EngineOptions& options) {
  if (engines < 1) return fail(ErrorCode::kInvalidArgument, "an OCR pool needs at least one engine");
  // Loading the models takes a noticeable fraction of a second per engine;
  // creating them side by side keeps start-up short.
  std::vector<Result<std::unique_ptr<Engine>>> made(static_cast<std::size_t>(engines));
  {
    std::vector<std::jthread> creators;
    for (auto& slot : made) creators.emplace_back([&slot, &options] { slot = Engine::create(options); });
  }
  std::unique_ptr<EnginePool> pool(new EnginePool());  // the constructor is private to keep creation here
  for (auto& engine : made) {
    if (!engine) return std::unexpected(engine.error());
    pool->idle_.push_back(std::move(*engine));
  }
  pool->size_ = engines;
  return pool;
}

EnginePool::Lease EnginePool::lease() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  auto engine = std::move(idle_.back());
  idle_.pop_back();
  return Lease(this, std::move(engine));
}

void EnginePool::give_back(std::unique_ptr<Engine> engine) {
  {
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(engine));
  }
  available_.notify_one();
}

EnginePool::Lease::~Lease() {
  // A moved-from lease holds nothing to give back.
  if (pool_ && engine_) pool_->give_back(std::move(engine_));
}

}  // namespace chartroom::ocr
