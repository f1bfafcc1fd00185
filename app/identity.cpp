#include "app/identity.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace chartroom::app {

std::string os_account() {
  const uid_t uid = ::geteuid();
  std::vector<char> buffer(16384);
  passwd entry {};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_name != nullptr && *found->pw_name != '\0') {
    return found->pw_name;
  }
  return "uid:" + std::to_string(uid);
}

Status authorize(indexer::Store& store, const std::string& actor, std::initializer_list<indexer::Role> roles,
                 std::string_view what) {
  auto users = store.users();
  if (!users) return std::unexpected(users.error());
  if (users->empty()) return {};
  std::string allowed;
  for (indexer::Role r : roles) allowed += (allowed.empty() ? "" : " or ") + std::string(indexer::role_name(r));
  const auto it = std::ranges::find(*users, actor, &indexer::User::name);
  if (it == users->end()) {
    return fail(ErrorCode::kInvalidArgument,
                "you (account " + actor + ") are not a chartroom user, and only a " + allowed + " may " +
                    std::string(what) + "; an admin can add you with: chartroom users add " + actor + " --role " +
                    std::string(indexer::role_name(*roles.begin())));
  }
  if (it->disabled) {
    return fail(ErrorCode::kInvalidArgument, "your chartroom user " + actor + " is disabled; ask an admin");
  }
  if (std::ranges::find(roles, it->role) == roles.end()) {
    return fail(ErrorCode::kInvalidArgument, "only a " + allowed + " may " + std::string(what) + "; you (" + actor +
                                                 ") are a " + std::string(indexer::role_name(it->role)));
  }
  return {};
}

}  // namespace chartroom::app
