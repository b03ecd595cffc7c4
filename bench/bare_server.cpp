// The baseline of DESIGN.md "Performance model": a bare cpp-httplib handler returning fixed
// bytes, with the library's own connection model (a fixed pool, each keep-alive connection
// holding a worker) tuned as far as its options go: TCP_NODELAY, 64 workers, keep-alive 1000
// requests / 2 s, and the listen backlog raised from its hard-coded 5 (as `swapi serve` does),
// so that what it measures is the library's request path, not SYN retransmits.
// Built and run by bench/run: bare_server BODY_FILE READY_FILE
#include <httplib.h>

#include <sys/socket.h>

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bare_server BODY_FILE READY_FILE\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  const std::string bytes = body.str();

  struct Server : httplib::Server {
    void widen_backlog() { ::listen(svr_sock_, 4096); }
  } server;
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  server.set_keep_alive_timeout(2);
  server.Get("/api/films/1/", [&bytes](const httplib::Request&, httplib::Response& response) {
    response.set_content(bytes, "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  server.widen_backlog();
  std::ofstream(argv[2]) << "http://127.0.0.1:" << port << "\n";
  server.listen_after_bind();
}
