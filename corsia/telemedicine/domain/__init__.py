"""Pure rules of telemedicine: states, signalling messages, the Jitsi token's claims."""
