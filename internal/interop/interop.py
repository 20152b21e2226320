"""Python side of crank's interop matrix: for every case directory, the
mutual-TLS handshakes its "roles" file asks for, with Python's ssl module
(OpenSSL underneath), server and client in one process on 127.0.0.1.
One line per check: DIR<TAB>CHECK<TAB>ok|fail<TAB>why."""
import os
import socket
import ssl
import sys
import threading


def context(side, d, who):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if side == "server" else ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_cert_chain(os.path.join(d, who + "-chain.pem"), os.path.join(d, who + ".key"))
    ctx.load_verify_locations(os.path.join(d, "root.pem"))
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def handshake(d, server_who, client_who, hostname):
    sctx = context("server", d, server_who)
    cctx = context("client", d, client_who)
    cctx.check_hostname = hostname
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(20)
    port = listener.getsockname()[1]
    errors = []

    def serve():
        try:
            conn, _ = listener.accept()
            with sctx.wrap_socket(conn, server_side=True) as s:
                s.settimeout(20)
                b = s.recv(1)
                s.sendall(bytes([b[0] + 1]))
        except Exception as e:  # reported only if the client saw nothing
            errors.append(e)

    t = threading.Thread(target=serve)
    t.start()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
            with cctx.wrap_socket(raw, server_hostname="127.0.0.1") as c:
                c.sendall(bytes([41]))
                reply = c.recv(1)
                if reply != bytes([42]):
                    raise RuntimeError("echo returned %r (server: %r)" % (reply, errors))
    finally:
        t.join(25)
        listener.close()


def main():
    for d in sys.argv[1:]:
        roles_file = os.path.join(d, "roles")
        if not os.path.exists(roles_file):
            continue
        roles = open(roles_file).read().split()
        host = os.path.exists(os.path.join(d, "hostname"))
        checks = []
        if "server" in roles:
            checks.append(("tls-leaf-server", "leaf", "peer", host))
        if "client" in roles:
            checks.append(("tls-leaf-client", "peer", "leaf", True))
        for name, server_who, client_who, hostname in checks:
            try:
                handshake(d, server_who, client_who, hostname)
                print("%s\t%s\tok" % (d, name), flush=True)
            except Exception as e:
                print("%s\t%s\tfail\t%s" % (d, name, " ".join(repr(e).split())), flush=True)


main()
