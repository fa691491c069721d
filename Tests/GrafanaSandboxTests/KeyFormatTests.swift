import HTTPTypes
import Testing

@testable import GrafanaSandbox

@Suite struct KeyFormatTests {
    /// The spec's example token: the checksum is hex of the little-endian CRC32 of "glsa_" + secret.
    @Test func serviceAccountTokenChecksumMatchesGrafanaExample() {
        #expect(KeyGenerator.checksum(for: "yscW25imSKJIuav8zF37RZmnbiDvB05G") == "fcaaf58a")
        #expect(
            KeyGenerator.decodeServiceAccountToken("glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a")
                == "yscW25imSKJIuav8zF37RZmnbiDvB05G"
        )
        #expect(KeyGenerator.decodeServiceAccountToken("glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58b") == nil)
    }

    @Test func generatedTokenHasGrafanaShape() throws {
        let (token, secret) = KeyGenerator.serviceAccountToken()
        #expect(try #/glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}/#.wholeMatch(in: token) != nil)
        #expect(KeyGenerator.decodeServiceAccountToken(token) == secret)
    }

    /// The docs' example legacy key decodes to `{"k":"V1qL…","n":"grafana","id":1}`.
    @Test func legacyKeyRoundTrips() throws {
        let decoded = try #require(
            KeyGenerator.decodeLegacyKey(
                "eyJrIjoiVjFxTHZ6dGdPSjg5Um92MjN1RlhjMkNqYkZUbm9jYkwiLCJuIjoiZ3JhZmFuYSIsImlkIjoxfQ=="
            )
        )
        #expect(decoded.secret == "V1qLvztgOJ89Rov23uFXc2CjbFTnocbL")
        #expect(decoded.name == "grafana")
        #expect(decoded.orgID == 1)
        let (key, secret) = KeyGenerator.legacyKey(name: "apikeycurl", orgID: 2)
        let again = try #require(KeyGenerator.decodeLegacyKey(key))
        #expect(again.secret == secret && again.name == "apikeycurl" && again.orgID == 2)
    }

    @Test func hashesMatchKnownVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(MD5.hex("admin@localhost") == "46d229b033af06a191ff2267bca9ae56")
        #expect(MD5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
    }
}
