# A listener on an abstract unix socket name (argv[1]) that answers nothing
# and prints, per connection, how many bytes it received ("conn N"), until
# its client goes away or 1 s passes in silence. The peer-check tests run
# it as user nobody (crates/mpd-client/tests/trust.rs,
# crates/mpdctl/tests/sim.rs; passed with python3 -c, so that nobody need
# not read this checkout).
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1])
s.listen(8)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    c.settimeout(1.0)
    n = 0
    try:
        while True:
            d = c.recv(4096)
            if not d:
                break
            n += len(d)
    except socket.timeout:
        pass
    c.close()
    print("conn", n, flush=True)
