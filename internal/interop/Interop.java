// Java side of crank's interop matrix, run with the JDK's single-file
// launcher (java Interop.java DIR...). For every case directory it runs
// PKIX validation of leaf.pem (with inter.pem) against root.pem, and the
// mutual-TLS handshakes the case's "roles" file asks for, with the PKCS#12
// keystores crank wrote. One line per check: DIR<TAB>CHECK<TAB>ok|fail<TAB>why.
import java.io.*;
import java.net.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import java.util.concurrent.*;
import javax.net.ssl.*;

public class Interop {
    static final char[] PASSWORD = "interop-pass".toCharArray();

    public static void main(String[] args) throws Exception {
        for (String dir : args) {
            Path d = Paths.get(dir);
            report(dir, "pkix", () -> pkix(d));
            Path rolesFile = d.resolve("roles");
            if (!Files.exists(rolesFile)) continue;
            List<String> roles = Arrays.asList(Files.readString(rolesFile).trim().split("\\s+"));
            boolean hostname = Files.exists(d.resolve("hostname"));
            if (roles.contains("server")) report(dir, "tls-leaf-server", () -> handshake(d, "leaf.p12", "peer.p12", hostname));
            if (roles.contains("client")) report(dir, "tls-leaf-client", () -> handshake(d, "peer.p12", "leaf.p12", true));
            if (Files.exists(d.resolve("alias"))) report(dir, "alias", () -> alias(d));
        }
    }

    interface Check { void run() throws Exception; }

    static void report(String dir, String check, Check c) {
        try {
            c.run();
            System.out.println(dir + "\t" + check + "\tok");
        } catch (Throwable e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            System.out.println(dir + "\t" + check + "\tfail\t" + (e + " / " + root).replaceAll("\\s+", " "));
        }
    }

    static List<X509Certificate> read(Path p) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(p)) {
            for (java.security.cert.Certificate c : cf.generateCertificates(in)) out.add((X509Certificate) c);
        }
        return out;
    }

    static void pkix(Path d) throws Exception {
        List<X509Certificate> path = new ArrayList<>(read(d.resolve("leaf.pem")));
        if (Files.exists(d.resolve("inter.pem"))) path.addAll(read(d.resolve("inter.pem")));
        X509Certificate root = read(d.resolve("root.pem")).get(0);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    }

    static SSLContext context(Path d, String keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(d.resolve(keystore))) { ks.load(in, PASSWORD); }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", read(d.resolve("root.pem")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    // handshake runs a server with serverStore and a client with clientStore
    // on 127.0.0.1; the server requires and verifies a client certificate,
    // the client verifies the server's chain and, with hostname, its IP SAN.
    static void handshake(Path d, String serverStore, String clientStore, boolean hostname) throws Exception {
        SSLServerSocket server = (SSLServerSocket) context(d, serverStore).getServerSocketFactory()
            .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        server.setNeedClientAuth(true);
        server.setSoTimeout(20000);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> accepted = pool.submit(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSoTimeout(20000);
                int b = s.getInputStream().read();
                s.getOutputStream().write(b + 1);
                s.getOutputStream().flush();
                return b;
            }
        });
        try (SSLSocket c = (SSLSocket) context(d, clientStore).getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
            c.setSoTimeout(20000);
            if (hostname) {
                SSLParameters p = c.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                c.setSSLParameters(p);
            }
            c.startHandshake();
            c.getOutputStream().write(41);
            c.getOutputStream().flush();
            int reply = c.getInputStream().read();
            if (reply != 42) throw new IOException("echo returned " + reply);
        } finally {
            try { accepted.get(25, TimeUnit.SECONDS); } catch (ExecutionException e) { /* the client's error is the one to report */ }
            pool.shutdownNow();
            server.close();
        }
    }

    // alias prints the keystore's aliases: the friendlyName crank wrote.
    static void alias(Path d) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(d.resolve("leaf.p12"))) { ks.load(in, PASSWORD); }
        String want = Files.readString(d.resolve("alias")).trim();
        List<String> got = Collections.list(ks.aliases());
        if (!got.equals(List.of(want)) || !ks.isKeyEntry(want)) throw new Exception("aliases " + got + ", want [" + want + "] as a key entry");
    }
}
