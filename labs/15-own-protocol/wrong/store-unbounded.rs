// A wrong lab 15: every SET of a new key is stored: a client can make the server grow
// without bound.
// EXPECT: 1024 OK then 76 ERROR
// REGION: apply a request to the store
match req {
    Request::Get(key) => match self.map.get(&key) {
        Some(v) => Response::Value(v.clone()),
        None => Response::NotFound,
    },
    Request::Set(key, value) => {
        self.map.insert(key, value);
        Response::Ok
    }
    Request::Del(key) => match self.map.remove(&key) {
        Some(_) => Response::Ok,
        None => Response::NotFound,
    },
}
