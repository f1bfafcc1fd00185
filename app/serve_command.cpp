// `chartroom review serve`: the review station (review/station.h) on a store,
// until Ctrl-C or SIGTERM.
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "app/command_support.h"
#include "review/station.h"

namespace chartroom::app {

int run_review_serve(const CommonOptions& common, const ServeArgs& args, const Config& config) {
  auto store = open_existing_store(common);
  if (!store) return 1;
  auto users = store->users();
  if (!users) {
    print_error(users.error());
    return 1;
  }
  if (users->empty()) {
    std::cerr << "chartroom: the review station needs users to log in, and this store has none yet. Add the "
                 "first (an admin), then reviewers:\n  echo \"$PASSWORD\" | chartroom users add alice --role admin "
                 "--store "
              << common.store.string() << "\n";
    return 2;
  }
  review::StationOptions options;
  options.host = args.listen;
  options.port = args.port;
  options.tls_cert = args.tls_cert;
  options.tls_key = args.tls_key;
  options.idle_timeout = std::chrono::minutes(args.idle_minutes);
  options.type_labels = known_types(config);
  options.log = [](const std::string& line) { std::cerr << line << "\n"; };

  // Ctrl-C and SIGTERM are taken by this thread (sigwait), never by the server's.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto station = review::Station::create(*store, options);
  if (!station) {
    print_error(station.error());
    return 2;
  }
  std::cout << fmt::format("Review station for {} at {}://{}:{}/ (Ctrl-C stops it)\n", common.store.string(),
                           (*station)->tls() ? "https" : "http", options.host, (*station)->port())
            << std::flush;
  Status served;
  std::thread server([&] {
    served = (*station)->run();
    ::kill(::getpid(), SIGTERM);  // ended by itself (or by stop()): wake the sigwait below
  });
  int signal = 0;
  sigwait(&stop_signals, &signal);
  (*station)->stop();
  server.join();
  std::cerr << "Review station stopped.\n";
  if (!served) {
    print_error(served.error());
    return 1;
  }
  return 0;
}

}  // namespace chartroom::app
