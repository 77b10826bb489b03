package vipreseller

// Answers copied from vip-api.md (the provider's documented examples), plus
// the all-empty first row the real prepaid list starts with.

const fxProfile = `{"result":true,"data":{"full_name":"Alin Koko Mansuby","username":"Alinko","balance":522,"point":0,
 "level":"Special","registered":"2023-01-23 17:56:45"},"message":"Successfully got your account details."}`

const fxGameServices = `{"result":true,"data":[{"code":"ML14-S14","game":"Mobile Legends A","name":"14 Diamonds ( 13 + 1 Bonus )",
 "price":{"basic":3310,"premium":3260,"special":3235},"server":"1","status":"empty"}],
 "message":"Daftar layanan berhasil didapatkan."}`

const fxGameOrder = `{"result":true,"data":{"trxid":"some1d","data":"136216325","zone":"2685",
 "service":"Mobile Legends B - 1048 Diamonds","status":"waiting","note":"","balance":100000,"price":195695},
 "message":"Pesanan berhasil, pesanan akan diproses."}`

const fxStatus = `{"result":true,"data":[{"trxid":"some1d","data":"136216325","zone":"2600","service":"Mobile Legends B - 1048 Diamonds",
 "status":"error","note":"Zone tujuan salah.","price":195695}],"message":"Detail transaksi berhasil didapatkan."}`

const fxServiceStock = `{"result":true,"data":{"code":"CODE-1234","name":"PRODUK 1 BULAN","price":{"basic":2000,"premium":1500,"special":1200},
 "description":"deskripsi produk","stock":12,"server":1,"status":"available"},"message":"Stok tersedia."}`

const fxNickname = `{"result":true,"data":"Itacimo","message":"Success."}`

const fxPrepaidItem = `{"brand":"XL","code":"XLDHR3","name":"XL HOTROD 3 GB / 30 Hari","note":"-",
 "price":{"basic":48225,"premium":48200,"special":48175},"status":"available","multi_trx":true,
 "maintenace":"23:44 - 00:16","category":"Hotrod","prepost":"prepaid","type":"paket-internet"}`

// fxPrepaidEmptyRow is the first row of the captured real prepaid list (S2).
const fxPrepaidEmptyRow = `{"brand":"","code":"","name":"","note":"","price":{"basic":200,"premium":175,"special":150},
 "status":"empty","multi_trx":false,"maintenace":"00:00 - 00:00","category":"Pascabayar","prepost":"prepaid","type":"not-filtered"}`

// fxPrepaidBlankRow is the same artefact with every value blank.
const fxPrepaidBlankRow = `{"brand":"","code":"","name":"","note":"","price":{"basic":"","premium":"","special":""},
 "status":"","multi_trx":"","maintenace":"","category":"","prepost":"","type":""}`

const fxPrepaidServices = `{"result":true,"data":[` + fxPrepaidEmptyRow + `,` + fxPrepaidItem + `,` + fxPrepaidBlankRow + `],"message":"Daftar layanan berhasil didapatkan."}`

const fxPrepaidOrder = `{"result":true,"data":{"trxid":"VP1234567","data":"081234567890","code":"XLDHR3",
 "service":"XL HOTROD 3 GB / 30 Hari","status":"waiting","note":"","balance":51775,"price":48225},
 "message":"Pesanan berhasil, pesanan akan diproses."}`

const fxSocialServices = `{"result":true,"data":[{"id":"3249","category":"TikTok Views","name":"TikTok Views [Fast]","note":"no refill",
 "min":"100","max":"1000000","price":{"basic":"1200","premium":"1150","special":"1100"},"status":"available"},
 {"id":"","category":"","name":"","note":"","min":"","max":"","price":"","status":""}],"message":"Daftar layanan berhasil didapatkan."}`

const fxSocialOrder = `{"result":true,"data":{"trxid":"VP7654321","data":"https://www.tiktok.com/@someone/video/1","service":"TikTok Views [Fast]",
 "quantity":1000,"status":"waiting","note":"","balance":98800,"price":1200},"message":"Pesanan berhasil, pesanan akan diproses."}`

const fxSocialStatus = `{"result":true,"data":[{"trxid":"VP7654321","data":"https://www.tiktok.com/@someone/video/1","service":"TikTok Views [Fast]",
 "quantity":"1000","status":"partial","remain":"250","count":"4100","note":"","price":"1200"}],"message":"Detail transaksi berhasil didapatkan."}`

// fxAPIError renders a result:false answer with the given message.
func fxAPIError(msg string) string {
	return `{"result":false,"data":null,"message":` + jsonString(msg) + `}`
}
