/** Set by the front server on every request it hands to Next (never taken from the client): the client's address. */
export const CLIENT_HEADER = "x-nsatlas-client";
