// The baseline of DESIGN.md "Performance model": a bare cpp-httplib handler returning fixed
// bytes, tuned like `swapi serve` (TCP_NODELAY, 64 workers, keep-alive 1000 requests / 2 s).
// Built and run by bench/run: bare_server BODY_FILE READY_FILE
#include <httplib.h>

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

  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  server.set_keep_alive_timeout(2);
  server.Get("/api/films/1/", [&bytes](const httplib::Request&, httplib::Response& response) {
    response.set_content(bytes, "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::ofstream(argv[2]) << "http://127.0.0.1:" << port << "\n";
  server.listen_after_bind();
}
