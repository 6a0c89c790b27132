package org.postern.firewall.nftables;

/**
 * A conversation with nft: each call sends one line (one transaction: every command in it applies, or
 * none) and returns what nft answered. Not thread-safe; the backend serializes its calls.
 */
interface NftSession extends AutoCloseable {

    /**
     * How nft answered one line.
     *
     * @param ok     true when nft reported no error
     * @param output what nft printed (listings, and the error text when not ok)
     */
    record Reply(boolean ok, String output) {

        static Reply failed(String why) {
            return new Reply(false, why);
        }

        /** The error text on one line, for logs and exceptions. */
        String error() {
            return output.strip().replaceAll("\\s*\\n\\s*", " | ");
        }
    }

    Reply send(String line);

    @Override
    void close();
}
