// Who is at the terminal, and may they do this? The actor of a terminal
// command is the operating-system account running it (getpwuid(geteuid())),
// never $USER, which anyone can set. Once the store has users, that account
// name must be an enabled user with a role allowed for the command.
#pragma once

#include <initializer_list>
#include <string>

#include "indexer/indexer.h"

namespace chartroom::app {

// "alice", or "uid:1001" for an account with no name.
std::string os_account();

// Ok when `actor` may do `what` (no users yet: anyone who can open the store);
// otherwise an error that says who may and how to become one.
Status authorize(indexer::Store& store, const std::string& actor, std::initializer_list<indexer::Role> roles,
                 std::string_view what);

}  // namespace chartroom::app
