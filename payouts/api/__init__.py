"""The payouts app's REST API, split by area: the commission ledger (ledger), and the payout
statements with their actions and downloads (statements). Routes: payouts/api/urls.py."""
