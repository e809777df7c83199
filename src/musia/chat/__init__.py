"""The chat: a message in, a reply (and maybe a job) out, in the user's language; its progress
shown live over the websocket (musia.server.ws_chat)."""
