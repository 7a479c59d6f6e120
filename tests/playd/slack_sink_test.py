"""A Slack sink posts the notify's text, not the raw action JSON; values
that came from signals or records are escaped (& < >), the play author's
own markup is kept. A contact named "<!channel> <https://evil|Reset your
password>" used to ping the whole channel with a phishing link."""
import json
import os
import sys
import tempfile

from playd_harness import Playd, Sink, wait_for

PLAY = """
play hostile_names {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#alerts",
            text: "<!here> *{contact.name}* at <https://app.acme.com/a/{account.domain}|{account.name}> read {signal.url}")
  do task(subject: "Call {contact.name ?? 'them'}", owner: "sam@acme.com")
}
"""


def main(binary):
    sink = Sink()
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/hostile.play", "w") as f:
            f.write(PLAY)
        config = f"""
[sinks.chat]
kind = "slack"
url = "{sink.url}"

[sinks.crm]
kind = "slack"
url = "{sink.url}"
"""
        pd = Playd(binary, tmp + "/data", config, plays=plays).start()
        try:
            status, body = pd.request("PUT", "/v1/accounts/bigco.com", {"name": "Big & Co <Inc>"})
            assert status == 200, body
            status, body = pd.request("PUT", "/v1/contacts/eve@bigco.com",
                                      {"name": "<!channel> <https://evil.example|Reset your password>"})
            assert status == 200, body
            status, body = pd.request("POST", "/v1/signals", {
                "id": "e1", "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                "account": "bigco.com", "contact": "eve@bigco.com",
                "properties": {"category": "docs", "url": "https://x.io/?a=1&b=<2>"}})
            assert status == 200, body
            wait_for(lambda: len(sink.delivered()) == 2, 30, "both actions posted")
            bodies = [json.loads(b) for _, _, b in sink.received]
            texts = sorted(b["text"] for b in bodies)
            assert all(list(b) == ["text"] for b in bodies), bodies
            assert texts == [
                "*hostile_names*: task for eve@bigco.com",
                "<!here> *&lt;!channel&gt; &lt;https://evil.example|Reset your password&gt;* at "
                "<https://app.acme.com/a/bigco.com|Big &amp; Co &lt;Inc&gt;> read https://x.io/?a=1&amp;b=&lt;2&gt;",
            ], texts
            assert "<!channel>" not in json.dumps(texts)
            # The file outbox and traces keep the plain action line.
            _, trace = pd.request("GET", "/v1/signals/e1/trace")
            assert '"status":"sent"' in trace, trace
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            sink.close()
    print("slack sink: ok")


if __name__ == "__main__":
    main(sys.argv[1])
